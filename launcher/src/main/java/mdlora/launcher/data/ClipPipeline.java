package mdlora.launcher.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import mdlora.launcher.config.Settings;
import mdlora.nn.ViTConfig;
import mdlora.video.ClipSource;
import mdlora.video.ClipTransform;
import mdlora.video.FrameCache;
import mdlora.video.FrameSampler;

/**
 * How a run turns clips into model input: T frames sampled uniformly by segments, the shorter side
 * resized to 8/7 of the image size, a crop of the image size (random and mirrored for training,
 * centred for evaluation), normalised with the run's mean and std (the backbone's unless the config says otherwise); decoded frames kept in the
 * frame cache when {@code data.cache} names one.
 */
public final class ClipPipeline {
    private ClipPipeline() {}

    /** The clip source for a run of {@code config} on a backbone of {@code backbone}. */
    public static ClipSource source(Settings config, ViTConfig backbone) {
        int size = config.data.imageSize;
        float[] mean = config.data.mean.isEmpty() ? backbone.mean().toArray() : floats(config.data.mean);
        float[] std = config.data.std.isEmpty() ? backbone.std().toArray() : floats(config.data.std);
        var transform = new ClipTransform(Math.round(size * 8f / 7), size, mean, std);
        String cache = config.data.cache;
        try {
            return new ClipSource(FrameSampler.uniform(config.data.frames), transform, cache.isEmpty() ? null : new FrameCache(Path.of(cache)));
        } catch (IOException e) {
            throw new mdlora.launcher.config.ConfigException("cannot use frame cache folder " + cache + ": " + e.getMessage());
        }
    }

    private static float[] floats(List<Double> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) out[i] = values.get(i).floatValue();
        return out;
    }
}
