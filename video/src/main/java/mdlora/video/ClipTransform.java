package mdlora.video;

import java.util.List;
import java.util.stream.IntStream;
import mdlora.tensor.Rng;
import mdlora.tensor.Tensor;

/**
 * Turns a clip's frames into the model's input, a {@code [T, 3, crop, crop]} float tensor: resize
 * the shorter side to {@code resize} ({@link Resize}), crop a {@code crop} square (random and
 * mirrored half the time for training, centred for evaluation; the same for every frame of the
 * clip), scale to [0, 1] and normalise each channel with the checkpoint's mean and std. Resizing is
 * a separate step so that its output can be cached ({@link FrameCache}).
 */
public final class ClipTransform {
    private final int resize, crop;
    private final float[] mean, std;

    /**
     * A transform resizing, cropping and normalising frames.
     *
     * @param resize shorter side after resizing, at least {@code crop}
     * @param crop   side of the square crop
     * @param mean   per-channel (R, G, B) mean of the [0, 1] pixels
     * @param std    per-channel standard deviation
     */
    public ClipTransform(int resize, int crop, float[] mean, float[] std) {
        if (crop <= 0 || resize < crop)
            throw new IllegalArgumentException("need 0 < crop <= resize, got crop " + crop + " and resize " + resize);
        if (mean.length != 3 || std.length != 3)
            throw new IllegalArgumentException("mean and std need 3 values (R, G, B), got " + mean.length + " and " + std.length);
        for (float s : std)
            if (!(s > 0)) throw new IllegalArgumentException("std must be positive, got " + s);
        this.resize = resize;
        this.crop = crop;
        this.mean = mean.clone();
        this.std = std.clone();
    }

    /** {@return shorter side after {@link #resize(List)}, in pixels} */
    public int resizeSize() {
        return resize;
    }

    /** {@return side of the square output, in pixels} */
    public int cropSize() {
        return crop;
    }

    /**
     * Each frame with its shorter side resized to {@link #resizeSize()}.
     *
     * @param frames decoded frames
     * @return the resized frames, in the same order
     */
    public List<RgbImage> resize(List<RgbImage> frames) {
        return resize(frames, resize);
    }

    /**
     * The shorter side {@link #evalCrops} wants for {@code crops} crops: {@link #resizeSize()} for the centre
     * crop, the crop size itself for three crops (mmaction2's test pipelines resize to the crop before
     * {@code ThreeCrop}, so together the three cover the whole frame).
     *
     * @param crops spatial crops per clip, 1 or 3
     * @return shorter side to resize to, in pixels
     */
    public int evalResizeSize(int crops) {
        return crops == 3 ? crop : resize;
    }

    /**
     * Each frame with its shorter side resized to {@code shorter}.
     *
     * @param frames  decoded frames
     * @param shorter target shorter side, in pixels
     * @return the resized frames, in the same order
     */
    public List<RgbImage> resize(List<RgbImage> frames, int shorter) {
        return frames.stream().map(f -> Resize.shorterSideTo(f, shorter)).toList();
    }

    /**
     * Training input: a random crop, mirrored with probability 1/2, drawn with {@code rng}.
     *
     * @param resized a clip's frames, shorter side at least {@link #cropSize()}
     * @param rng     source of the crop position and flip
     * @return a {@code [T, 3, crop, crop]} normalised tensor
     */
    public Tensor train(List<RgbImage> resized, Rng rng) {
        RgbImage first = resized.getFirst();
        int x0 = rng.nextInt(first.width() - crop + 1), y0 = rng.nextInt(first.height() - crop + 1);
        return toTensor(resized, x0, y0, rng.nextDouble() < 0.5);
    }

    /**
     * Evaluation input: the centre crop (rounded as torchvision's {@code center_crop}).
     *
     * @param resized a clip's frames, shorter side at least {@link #cropSize()}
     * @return a {@code [T, 3, crop, crop]} normalised tensor
     */
    public Tensor eval(List<RgbImage> resized) {
        RgbImage first = resized.getFirst();
        return toTensor(resized, (int) Math.rint((first.width() - crop) / 2.0), (int) Math.rint((first.height() - crop) / 2.0), false);
    }

    /**
     * Evaluation inputs of frames resized to {@link #evalResizeSize}{@code (crops)}: the centre crop for 1,
     * and for 3 mmaction2's {@code ThreeCrop}, in its order: the start, the end (at twice the centre's
     * offset) and the centre of the longer side.
     *
     * @param resized a clip's frames, resized to {@link #evalResizeSize}{@code (crops)}
     * @param crops   1 or 3
     * @return {@code crops} tensors of {@code [T, 3, crop, crop]}
     */
    public List<Tensor> evalCrops(List<RgbImage> resized, int crops) {
        if (crops == 1) return List.of(eval(resized));
        if (crops != 3) throw new IllegalArgumentException("crops must be 1 or 3, got " + crops);
        RgbImage first = resized.getFirst();
        boolean wide = first.width() >= first.height();
        int step = ((wide ? first.width() : first.height()) - crop) / 2, across = ((wide ? first.height() : first.width()) - crop) / 2;
        return IntStream.of(0, 2 * step, step)
                .mapToObj(along -> wide ? toTensor(resized, along, across, false) : toTensor(resized, across, along, false)).toList();
    }

    private Tensor toTensor(List<RgbImage> frames, int x0, int y0, boolean mirror) {
        int plane = crop * crop;
        float[] out = new float[frames.size() * 3 * plane];
        for (int t = 0; t < frames.size(); t++) {
            RgbImage f = frames.get(t);
            if (f.width() < x0 + crop || f.height() < y0 + crop)
                throw new IllegalArgumentException("frame " + t + " is " + f.width() + "x" + f.height() + ", too small for a "
                        + crop + " crop at (" + x0 + ", " + y0 + "); frames of a clip must share one size");
            for (int c = 0; c < 3; c++) {
                float scale = 1f / (255f * std[c]), shift = mean[c] / std[c];
                int base = (t * 3 + c) * plane;
                for (int y = 0; y < crop; y++)
                    for (int x = 0; x < crop; x++) {
                        int sx = x0 + (mirror ? crop - 1 - x : x);
                        out[base + y * crop + x] = f.get(sx, y0 + y, c) * scale - shift;
                    }
            }
        }
        return Tensor.of(out, frames.size(), 3, crop, crop);
    }
}
