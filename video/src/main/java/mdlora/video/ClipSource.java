package mdlora.video;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import mdlora.tensor.Rng;
import mdlora.tensor.Tensor;

/**
 * Turns a clip into the model's input: sample frame indices ({@link FrameSampler}), decode those
 * frames ({@link Clip}), resize and crop and normalise them ({@link ClipTransform}) into a
 * {@code [T, 3, crop, crop]} tensor. With a {@link FrameCache}, every frame of a clip is decoded and
 * resized once and read from the cache afterwards; the cache holds only what does not depend on a
 * seed (the decoded, resized frames), and the random choices (frames, crop, flip) are drawn after it,
 * so a cache never changes a sample: warm, cold, filled by another seed or absent, the tensors are the
 * same. Thread-safe.
 */
public final class ClipSource {
    private final FrameSampler sampler;
    private final ClipTransform transform;
    private final FrameCache cache;

    /**
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
        Rng frameDraws = rng.fork(); // its own stream, so that crops and flips do not depend on the clip's length
        List<RgbImage> frames = frames(clip, n -> sampler.train(n, frameDraws));
        return transform.train(frames, rng);
    }

    /** The evaluation sample of {@code clip}: centred frames and crop, the same every time. */
    public Tensor eval(Path clip) throws IOException {
        return transform.eval(frames(clip, sampler::eval));
    }

    /** Decodes and resizes every frame of {@code clip} into the cache, unless it holds them already; without a cache, nothing. */
    public void fill(Path clip) throws IOException {
        if (cache == null) return;
        String key = key(clip);
        if (cache.open(key) == null) decodeInto(clip, key);
    }

    /**
     * The frames {@code choose} picks (given the clip's frame count) from {@code clip}, resized: from the cache
     * entry (reading only those frames), or decoded when it has none or a damaged one (then stored there).
     */
    private List<RgbImage> frames(Path clip, IntFunction<int[]> choose) throws IOException {
        if (cache == null) {
            try (Clip c = Clip.open(clip)) {
                return transform.resize(c.read(choose.apply(c.frameCount())));
            }
        }
        String key = key(clip);
        FrameCache.Entry entry = cache.open(key);
        if (entry == null) {
            List<RgbImage> all = decodeInto(clip, key);
            return pick(all, choose.apply(all.size()));
        }
        int[] indices = choose.apply(entry.frameCount()); // drawn once: a damaged frame is decoded afresh at the same index
        List<RgbImage> frames = cache.read(entry, indices);
        return frames != null ? frames : pick(decodeInto(clip, key), indices);
    }

    private String key(Path clip) throws IOException {
        return FrameCache.key(clip, "all-short" + transform.resizeSize());
    }

    /** Every frame of {@code clip}, decoded and resized, and stored in the cache under {@code key}. */
    private List<RgbImage> decodeInto(Path clip, String key) throws IOException {
        List<RgbImage> all;
        try (Clip c = Clip.open(clip)) {
            all = transform.resize(c.read(IntStream.range(0, c.frameCount()).toArray()));
        }
        cache.put(key, all);
        return all;
    }

    private static List<RgbImage> pick(List<RgbImage> frames, int[] indices) {
        return Arrays.stream(indices).mapToObj(frames::get).toList();
    }
}
