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
     * Reads clips with {@code sampler}'s frames, transformed by {@code transform}.
     *
     * @param sampler   which frames of a clip to read
     * @param transform resize, crop and normalisation of the frames read
     * @param cache where to keep decoded frames between epochs, or null to decode every time
     */
    public ClipSource(FrameSampler sampler, ClipTransform transform, FrameCache cache) {
        this.sampler = sampler;
        this.transform = transform;
        this.cache = cache;
    }

    /** {@return the sampler, which fixes the frames per clip} */
    public FrameSampler sampler() {
        return sampler;
    }

    /** {@return the transform, which fixes the output size} */
    public ClipTransform transform() {
        return transform;
    }

    /**
     * A training sample of {@code clip}: random frames, random crop and flip, all drawn from {@code rng}.
     *
     * @param clip a video file or frame folder
     * @param rng  source of the random choices
     * @return a {@code [T, 3, crop, crop]} tensor
     * @throws IOException when the clip cannot be read or decoded
     */
    public Tensor train(Path clip, Rng rng) throws IOException {
        Rng frameDraws = rng.fork(); // its own stream, so that crops and flips do not depend on the clip's length
        List<RgbImage> frames = frames(clip, n -> sampler.train(n, frameDraws), transform.resizeSize());
        return transform.train(frames, rng);
    }

    /**
     * The evaluation sample of {@code clip}: centred frames and crop, the same every time.
     *
     * @param clip a video file or frame folder
     * @return a {@code [T, 3, crop, crop]} tensor
     * @throws IOException when the clip cannot be read or decoded
     */
    public Tensor eval(Path clip) throws IOException {
        return transform.eval(frames(clip, n -> evalIndices(n, 1), transform.evalResizeSize(TestViews.SINGLE.crops())));
    }

    /**
     * The test views of {@code clip}, {@code [views.count(), T, 3, crop, crop]} in {@link TestViews}' order,
     * the same every time; the frames of all its temporal clips are decoded in one pass.
     *
     * @param clip  a video file or frame folder
     * @param views how many temporal clips and spatial crops
     * @return a {@code [views.count(), T, 3, crop, crop]} tensor
     * @throws IOException when the clip cannot be read or decoded
     */
    public Tensor eval(Path clip, TestViews views) throws IOException {
        List<RgbImage> frames = frames(clip, n -> evalIndices(n, views.clips()), transform.evalResizeSize(views.crops()));
        int t = sampler.frames();
        Tensor[] out = new Tensor[views.count()];
        for (int k = 0; k < views.clips(); k++) {
            List<Tensor> crops = transform.evalCrops(frames.subList(k * t, (k + 1) * t), views.crops());
            for (int j = 0; j < crops.size(); j++) out[k * views.crops() + j] = crops.get(j);
        }
        return Tensor.stack(0, out);
    }

    /**
     * Decodes and resizes every frame of {@code clip} (shorter side {@link ClipTransform#resizeSize()}, what
     * training and single-view evaluation read) into the cache, unless it holds them already; without a cache, nothing.
     *
     * @param clip a video file or frame folder
     * @throws IOException when the clip cannot be read or decoded, or the cache written
     */
    public void fill(Path clip) throws IOException {
        if (cache == null) return;
        String key = key(clip, transform.resizeSize());
        if (cache.open(key) == null) decodeInto(clip, key, transform.resizeSize());
    }

    /**
     * The frames {@code choose} picks (given the clip's frame count) from {@code clip}, their shorter side resized
     * to {@code shorter}: from the cache entry (reading only those frames), or decoded when it has none or a
     * damaged one (then stored there).
     */
    private List<RgbImage> frames(Path clip, IntFunction<int[]> choose, int shorter) throws IOException {
        if (cache == null) {
            try (Clip c = Clip.open(clip)) {
                return transform.resize(c.read(choose.apply(c.frameCount())), shorter);
            }
        }
        String key = key(clip, shorter);
        FrameCache.Entry entry = cache.open(key);
        if (entry == null) {
            List<RgbImage> all = decodeInto(clip, key, shorter);
            return pick(all, choose.apply(all.size()));
        }
        int[] indices = choose.apply(entry.frameCount()); // drawn once: a damaged frame is decoded afresh at the same index
        List<RgbImage> frames = cache.read(entry, indices);
        return frames != null ? frames : pick(decodeInto(clip, key, shorter), indices);
    }

    private static String key(Path clip, int shorter) throws IOException {
        return FrameCache.key(clip, "all-short" + shorter);
    }

    /** Every frame of {@code clip}, decoded and resized to {@code shorter}, and stored in the cache under {@code key}. */
    private List<RgbImage> decodeInto(Path clip, String key, int shorter) throws IOException {
        List<RgbImage> all;
        try (Clip c = Clip.open(clip)) {
            all = transform.resize(c.read(IntStream.range(0, c.frameCount()).toArray()), shorter);
        }
        cache.put(key, all);
        return all;
    }

    private static List<RgbImage> pick(List<RgbImage> frames, int[] indices) {
        return Arrays.stream(indices).mapToObj(frames::get).toList();
    }

    /** The frame indices of {@code clips} temporal evaluation views, one view after another. */
    private int[] evalIndices(int frameCount, int clips) {
        int t = sampler.frames();
        int[] all = new int[clips * t];
        for (int k = 0; k < clips; k++) System.arraycopy(sampler.eval(frameCount, k, clips), 0, all, k * t, t);
        return all;
    }
}
