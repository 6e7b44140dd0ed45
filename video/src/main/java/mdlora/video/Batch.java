package mdlora.video;

import java.nio.file.Path;
import java.util.List;
import mdlora.tensor.Tensor;

/**
 * A batch of clips from the {@link Loader}.
 *
 * @param clips   {@code [B, T, 3, H, W]} model input
 * @param labels  class index of each clip within its domain's classes
 * @param domains index of each clip's domain in the loader's list of datasets
 * @param paths   each clip's file or folder
 */
public record Batch(Tensor clips, int[] labels, int[] domains, List<Path> paths) {
    /** {@return number of clips, B} */
    public int size() {
        return labels.length;
    }
}
