package mdlora.launcher.data;

import java.io.IOException;
import java.nio.file.Path;
import mdlora.launcher.config.Settings;
import mdlora.nn.ViTConfig;
import mdlora.video.ClipSource;
import mdlora.video.ClipTransform;
import mdlora.video.FrameCache;
import mdlora.video.FrameSampler;
import mdlora.video.TestViews;

/**
 * How a run turns clips into model input: T frames sampled uniformly by segments, the shorter side
 * resized to 8/7 of the image size, a crop of the image size (random and mirrored for training,
 * centred for evaluation), normalised with the model's mean and std (the run's: the backbone's own unless the config says otherwise); decoded frames kept in the
 * frame cache when {@code data.cache} names one.
 */
public final class ClipPipeline {
    private ClipPipeline() {}

    /** The clip source for a run of {@code config} on a backbone of {@code backbone}. */
    public static ClipSource source(Settings config, ViTConfig backbone) {
        int size = config.data.imageSize;
        var transform = new ClipTransform(Math.round(size * 8f / 7), size, backbone.mean().toArray(), backbone.std().toArray());
        String cache = config.data.cache;
        try {
            return new ClipSource(FrameSampler.uniform(config.data.frames), transform, cache.isEmpty() ? null : new FrameCache(Path.of(cache)));
        } catch (IOException e) {
            throw new mdlora.launcher.config.ConfigException("cannot use frame cache folder " + cache + ": " + e.getMessage());
        }
    }

    /** The final evaluation's views per test video ({@code --test-clips} x {@code --test-crops}); a crop count other than 1 or 3 is an error. */
    public static TestViews testViews(int clips, int crops) {
        try {
            return new TestViews(clips, crops);
        } catch (IllegalArgumentException e) {
            throw new mdlora.launcher.config.ConfigException("--test-clips " + clips + " --test-crops " + crops + ": " + e.getMessage());
        }
    }
}
