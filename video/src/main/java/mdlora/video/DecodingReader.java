package mdlora.video;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jcodec.common.model.Picture;

/**
 * What the video decoders share: frames asked by presentation index are decoded in file (decode)
 * order, each once however often it is asked for, and handed back in the order asked. Each decoder
 * says only where a frame lies in file order and how to decode the picture there. A class, not
 * default methods on {@link VideoFile}, so that jcodec's {@link Picture} stays out of the public API.
 */
abstract sealed class DecodingReader implements VideoFile permits VideoReader, Mpeg4Reader {
    /** The decode (file-order) index of presentation index {@code frame}, which is in range. */
    abstract int decodeIndex(int frame);

    /**
     * The picture at decode index {@code target}. Within one read the targets rise; the picture is
     * converted before the next call, so a decoder may reuse its buffers.
     */
    abstract Picture picture(int target) throws IOException;

    @Override
    public final List<RgbImage> read(int... frames) throws IOException {
        return read(frames, Bt601::toRgb);
    }

    /** The luma planes of the given frames (see {@link Bt601#luma}); tests compare them with ffmpeg's. */
    final List<byte[]> readLuma(int... frames) throws IOException {
        return read(frames, Bt601::luma);
    }

    private <T> List<T> read(int[] frames, Function<Picture, T> convert) throws IOException {
        int[] wanted = new int[frames.length];
        for (int i = 0; i < frames.length; i++) {
            if (frames[i] < 0 || frames[i] >= frameCount())
                throw new IndexOutOfBoundsException(path() + ": frame " + frames[i] + " asked, the clip has frames 0.." + (frameCount() - 1));
            wanted[i] = decodeIndex(frames[i]);
        }
        Map<Integer, T> decoded = new HashMap<>();
        for (int target : Arrays.stream(wanted).distinct().sorted().toArray()) decoded.put(target, convert.apply(picture(target)));
        List<T> out = new ArrayList<>(frames.length);
        for (int d : wanted) out.add(decoded.get(d));
        return out;
    }
}
