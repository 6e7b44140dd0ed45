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
        List<RgbImage> frames = frames(clip, rng.fork(), null);
        return transform.train(frames, rng);
    }

    /** The evaluation sample of {@code clip}: centred frames and crop, the same every time. */
    public Tensor eval(Path clip) throws IOException {
        return transform.eval(frames(clip, null, TestViews.SINGLE));
    }

    /**
     * The test views of {@code clip}, {@code [views.count(), T, 3, crop, crop]} in {@link TestViews}' order,
     * the same every time; the frames of all its temporal clips are decoded in one pass.
     */
    public Tensor eval(Path clip, TestViews views) throws IOException {
        List<RgbImage> frames = frames(clip, null, views);
        int t = sampler.frames();
        Tensor[] out = new Tensor[views.count()];
        for (int k = 0; k < views.clips(); k++) {
            List<Tensor> crops = transform.evalCrops(frames.subList(k * t, (k + 1) * t), views.crops());
            for (int j = 0; j < crops.size(); j++) out[k * views.crops() + j] = crops.get(j);
        }
        return Tensor.stack(0, out);
    }

    /**
     * The sampled frames of {@code clip}, resized: training draws (rng given), or the frames of every
     * temporal view of {@code views} one after another (rng null).
     */
    private List<RgbImage> frames(Path clip, Rng rng, TestViews views) throws IOException {
        int shorter = rng == null ? transform.evalResizeSize(views.crops()) : transform.resizeSize();
        String key = null;
        if (cache != null) {
            String sampling = rng != null ? "train-" : views.clips() == 1 ? "eval-" : "eval" + views.clips() + "-";
            key = FrameCache.key(clip, sampling + sampler.id() + "-short" + shorter);
            List<RgbImage> cached = cache.get(key);
            if (cached != null) return cached;
        }
        List<RgbImage> frames;
        try (Clip c = Clip.open(clip)) {
            int[] indices = rng != null ? sampler.train(c.frameCount(), rng) : evalIndices(c.frameCount(), views.clips());
            frames = transform.resize(c.read(indices), shorter);
        }
        if (cache != null) cache.put(key, frames);
        return frames;
    }

    /** The frame indices of {@code clips} temporal evaluation views, one view after another. */
    private int[] evalIndices(int frameCount, int clips) {
        int t = sampler.frames();
        int[] all = new int[clips * t];
        for (int k = 0; k < clips; k++) System.arraycopy(sampler.eval(frameCount, k, clips), 0, all, k * t, t);
        return all;
    }
}
