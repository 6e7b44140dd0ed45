package mdlora.video;

/**
 * Bilinear resizing that antialiases when shrinking, as torchvision's {@code resize(...,
 * antialias=True)} and PIL's {@code BILINEAR}: each output pixel is a triangle-weighted mean of the
 * input pixels under it, the triangle widened by the shrink factor so that every input pixel counts
 * (plain bilinear would skip pixels and alias). Enlarging is ordinary bilinear interpolation with
 * pixel centres at +0.5. Computed in float, rounded once at the end.
 */
public final class Resize {
    private Resize() {}

    /**
     * Resizes {@code image} so that its shorter side is {@code size}, keeping the aspect ratio (the longer side is truncated, as torchvision does).
     *
     * @param image the picture to resize
     * @param size  target shorter side, in pixels, positive
     * @return the resized picture
     */
    public static RgbImage shorterSideTo(RgbImage image, int size) {
        int w = image.width(), h = image.height();
        if (w <= h) return to(image, size, Math.max(1, (int) ((long) size * h / w)));
        return to(image, Math.max(1, (int) ((long) size * w / h)), size);
    }

    /**
     * Resizes {@code image} to {@code width} x {@code height}.
     *
     * @param image  the picture to resize
     * @param width  target width in pixels, positive
     * @param height target height in pixels, positive
     * @return the resized picture ({@code image} itself when the size is unchanged)
     */
    public static RgbImage to(RgbImage image, int width, int height) {
        if (width <= 0 || height <= 0) throw new IllegalArgumentException("target size must be positive, got " + width + "x" + height);
        if (width == image.width() && height == image.height()) return image;
        Taps across = new Taps(image.width(), width), down = new Taps(image.height(), height);
        int inW = image.width(), inH = image.height();
        byte[] src = image.pixels();
        float[] rows = new float[inH * width * 3];
        for (int y = 0; y < inH; y++)
            for (int x = 0; x < width; x++)
                for (int c = 0; c < 3; c++) {
                    float acc = 0;
                    for (int k = 0; k < across.count[x]; k++)
                        acc += across.weight[x][k] * (src[3 * (y * inW + across.first[x] + k) + c] & 0xFF);
                    rows[3 * (y * width + x) + c] = acc;
                }
        byte[] out = new byte[3 * width * height];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                for (int c = 0; c < 3; c++) {
                    float acc = 0;
                    for (int k = 0; k < down.count[y]; k++)
                        acc += down.weight[y][k] * rows[3 * ((down.first[y] + k) * width + x) + c];
                    out[3 * (y * width + x) + c] = (byte) Math.max(0, Math.min(255, Math.round(acc)));
                }
        return new RgbImage(width, height, out);
    }

    /** For each output position along one axis: the first input index it reads, how many, and their weights (summing to 1). */
    private static final class Taps {
        final int[] first, count;
        final float[][] weight;

        Taps(int in, int out) {
            double scale = (double) in / out, support = Math.max(scale, 1.0);
            first = new int[out];
            count = new int[out];
            weight = new float[out][];
            for (int i = 0; i < out; i++) {
                double centre = (i + 0.5) * scale;
                int lo = Math.max(0, (int) (centre - support + 0.5)), hi = Math.min(in, (int) (centre + support + 0.5));
                double[] w = new double[hi - lo];
                double sum = 0;
                for (int j = lo; j < hi; j++) sum += w[j - lo] = Math.max(0, 1 - Math.abs((j + 0.5 - centre) / support));
                first[i] = lo;
                count[i] = hi - lo;
                weight[i] = new float[hi - lo];
                for (int j = 0; j < w.length; j++) weight[i][j] = (float) (w[j] / sum);
            }
        }
    }
}
