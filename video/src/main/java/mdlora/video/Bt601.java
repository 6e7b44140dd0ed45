package mdlora.video;

import org.jcodec.common.model.ColorSpace;
import org.jcodec.common.model.Picture;
import org.jcodec.common.model.Rect;

/**
 * BT.601 limited-range colour conversion between jcodec's 4:2:0 pictures and RGB, done here rather
 * than by jcodec so that frames match ffmpeg's default {@code rgb24} output: ffmpeg converts
 * with these coefficients and takes each chroma sample for its 2x2 block of luma (nearest
 * neighbour), which is what {@link #toRgb} does. jcodec keeps samples as signed bytes, value - 128.
 */
final class Bt601 {
    private static final int SHIFT = 16, HALF = 1 << (SHIFT - 1);
    // 255/219 for luma; Kr, Kb = 0.299, 0.114 scaled by 255/224 for chroma.
    private static final int Y = fix(255.0 / 219), RV = fix(1.402 * 255 / 224), GU = fix(0.344136 * 255 / 224),
            GV = fix(0.714136 * 255 / 224), BU = fix(1.772 * 255 / 224);

    private Bt601() {}

    private static int fix(double v) {
        return (int) Math.round(v * (1 << SHIFT));
    }

    /** The visible part of a decoded picture: the crop rectangle, or all of it. */
    private static Rect visible(Picture yuv) {
        return yuv.getCrop() != null ? yuv.getCrop() : new Rect(0, 0, yuv.getWidth(), yuv.getHeight());
    }

    /** The visible luma plane of a decoded 8-bit picture, as unsigned bytes (ffmpeg's Y plane). */
    static byte[] luma(Picture yuv) {
        Rect r = visible(yuv);
        int w = r.getWidth(), h = r.getHeight(), stride = yuv.getPlaneWidth(0);
        byte[] plane = yuv.getPlaneData(0), out = new byte[w * h];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) out[y * w + x] = (byte) (plane[(r.getY() + y) * stride + r.getX() + x] + 128);
        return out;
    }

    /** The visible part of a decoded 8-bit 4:2:0 picture as RGB. */
    static RgbImage toRgb(Picture yuv) {
        Rect r = visible(yuv);
        int x0 = r.getX(), y0 = r.getY(), w = r.getWidth(), h = r.getHeight();
        byte[] lum = yuv.getPlaneData(0), cb = yuv.getPlaneData(1), cr = yuv.getPlaneData(2);
        int lumStride = yuv.getPlaneWidth(0), chromaStride = yuv.getPlaneWidth(1);
        byte[] rgb = new byte[3 * w * h];
        int o = 0;
        for (int y = 0; y < h; y++) {
            int lumRow = (y0 + y) * lumStride + x0, chromaRow = ((y0 + y) >> 1) * chromaStride;
            for (int x = 0; x < w; x++) {
                int c = chromaRow + ((x0 + x) >> 1);
                int l = (lum[lumRow + x] + 128 - 16) * Y + HALF, u = cb[c], v = cr[c];
                rgb[o++] = clamp(l + RV * v);
                rgb[o++] = clamp(l - GU * u - GV * v);
                rgb[o++] = clamp(l + BU * u);
            }
        }
        return new RgbImage(w, h, rgb);
    }

    private static byte clamp(int fixed) {
        int v = fixed >> SHIFT;
        return (byte) (v < 0 ? 0 : Math.min(v, 255));
    }

    /**
     * An RGB image as a 4:2:0 picture for jcodec's encoder, each chroma sample the mean of its 2x2
     * block. The picture's planes are padded to whole 16x16 macroblocks by repeating the last row
     * and column, and cropped back to the image size.
     */
    static Picture toYuv420(RgbImage rgb) {
        int w = rgb.width(), h = rgb.height(), pw = (w + 15) & ~15, ph = (h + 15) & ~15;
        Picture pic = Picture.createCropped(pw, ph, ColorSpace.YUV420J, new Rect(0, 0, w, h));
        byte[] lum = pic.getPlaneData(0), cb = pic.getPlaneData(1), cr = pic.getPlaneData(2);
        for (int y = 0; y < ph; y++)
            for (int x = 0; x < pw; x++) {
                int sx = Math.min(x, w - 1), sy = Math.min(y, h - 1);
                double luma = 0.299 * rgb.get(sx, sy, 0) + 0.587 * rgb.get(sx, sy, 1) + 0.114 * rgb.get(sx, sy, 2);
                lum[y * pw + x] = (byte) (Math.round(16 + luma * 219 / 255) - 128);
            }
        int cw = pw / 2;
        for (int cy = 0; cy < ph / 2; cy++)
            for (int cx = 0; cx < cw; cx++) {
                double u = 0, v = 0;
                for (int k = 0; k < 4; k++) {
                    int sx = Math.min(2 * cx + (k & 1), w - 1), sy = Math.min(2 * cy + (k >> 1), h - 1);
                    int r = rgb.get(sx, sy, 0), g = rgb.get(sx, sy, 1), b = rgb.get(sx, sy, 2);
                    double luma = 0.299 * r + 0.587 * g + 0.114 * b;
                    u += (b - luma) / 1.772;
                    v += (r - luma) / 1.402;
                }
                cb[cy * cw + cx] = (byte) Math.round(u / 4 * 224 / 255);
                cr[cy * cw + cx] = (byte) Math.round(v / 4 * 224 / 255);
            }
        return pic;
    }
}
