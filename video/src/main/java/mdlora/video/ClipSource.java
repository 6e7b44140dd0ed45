package mdlora.video;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import mdlora.tensor.Rng;
import mdlora.tensor.Tensor;

/**
 * Turns a clip into the model's input: sample frame indices ({@link FrameSampler}), decode those
 * frames ({@link Clip}), resize and crop and normalise them ({@link ClipTransform}) into a
 * {@code [T, 3, crop, crop]} tensor. With a {@link FrameCache}, the sampled, resized frames of a clip
 * are decoded once and read from the cache afterwards; for training that fixes each clip's frame
 * indices to those of its first draw (crops and flips stay random). Thread-safe.
 */
public final class ClipSource {
    private final FrameSampler sampler;
    private final ClipTransform transform;
    private final FrameCache cache;

    /**
     * Reads clips with {@code sampler}'s frames, transformed by {@code transform}.
     *
     * @param cache where to keep decoded frames between epochs, or null to decode every time
     */
    public ClipSource(FrameSampler sampler, ClipTransform transform, FrameCache cache) {
        this.sampler = sampler;
        this.transform = transform;
        this.cache = cache;
    }

    /** The sampler, which fixes the frames per clip. */
    public FrameSampler sampler() {
        return sampler;
    }

    /** The transform, which fixes the output size. */
    public ClipTransform transform() {
        return transform;
    }

    /** A training sample of {@code clip}: random frames, random crop and flip, all drawn from {@code rng}. */
    public Tensor train(Path clip, Rng rng) throws IOException {
        // Frame draws get their own stream, so crops and flips are the same whether the cache is warm or cold.
        List<RgbImage> frames = frames(clip, rng.fork());
        return transform.train(frames, rng);
    }

    /** The evaluation sample of {@code clip}: centred frames and crop, the same every time. */
    public Tensor eval(Path clip) throws IOException {
        return transform.eval(frames(clip, null));
    }

    /** The sampled frames of {@code clip}, resized: training draws (rng given) or evaluation's (rng null). */
    private List<RgbImage> frames(Path clip, Rng rng) throws IOException {
        String key = null;
        if (cache != null) {
            key = FrameCache.key(clip, (rng == null ? "eval-" : "train-") + sampler.id() + "-short" + transform.resizeSize());
            List<RgbImage> cached = cache.get(key);
            if (cached != null) return cached;
        }
        List<RgbImage> frames;
        try (Clip c = Clip.open(clip)) {
            int[] indices = rng == null ? sampler.eval(c.frameCount()) : sampler.train(c.frameCount(), rng);
            frames = transform.resize(c.read(indices));
        }
        if (cache != null) cache.put(key, frames);
        return frames;
    }
}
