package mdlora.launcher.pretrain;

import java.util.List;
import mdlora.tensor.Parallel;
import mdlora.tensor.Rng;
import mdlora.tensor.Tensor;

/**
 * Synthetic still images, the stand-in for ImageNet in pretraining: one shape (the class) of random
 * size, position, tilt and colour over a random textured background (flat, gradient, stripes,
 * checkerboard or smooth noise), plus pixel noise. Learning to name the shape whatever the background
 * gives a ViT contour and position features that transfer to the synthetic videos, where each domain
 * draws its classes' shapes in its own style (solid, outlined, patterned) over its own backgrounds.
 *
 * <p>Image {@code i} of a stream depends only on (seed, i), so a stream needs no storage and is the same
 * whatever the thread count or the batch size.
 */
public final class ShapeImages {
    /** The class names, in label order. */
    public static final List<String> CLASSES = List.of("star", "hexagon", "heart", "crescent", "arrow", "ell", "tee", "hourglass");

    /**
     * Shapes tilt by at most this (radians): a square turned by 45 degrees is a diamond and a cross an
     * X, so free rotation would make classes the same picture.
     */
    private static final double MAX_TILT = 0.35;
    /** Least luminance difference between a shape and its background's base colour. */
    private static final float MIN_CONTRAST = 0.3f;

    private final int size;
    private final long seed;

    /** Images of {@code size} x {@code size} pixels from the stream {@code seed}. */
    public ShapeImages(int size, long seed) {
        if (size < 8) throw new IllegalArgumentException("image size must be at least 8 pixels, got " + size);
        this.size = size;
        this.seed = seed;
    }

    /** Images {@code first .. first+count-1} as [count, 3, size, size] in [0, 1], and their labels. */
    public Batch batch(long first, int count) {
        float[] pixels = new float[count * 3 * size * size];
        int[] labels = new int[count];
        Parallel.forEach(count, i -> labels[i] = render(first + i, pixels, i * 3 * size * size));
        return new Batch(Tensor.of(pixels, count, 3, size, size), labels);
    }

    /** A batch of images and their shape labels. */
    public record Batch(Tensor images, int[] labels) {}

    /** Renders image {@code index} into {@code out} at {@code offset} (channel-major); returns its label. */
    private int render(long index, float[] out, int offset) {
        Rng rng = new Rng(seed * 0x9E3779B97F4A7C15L + index);
        int label = rng.nextInt(CLASSES.size());
        int plane = size * size;
        Background background = Background.random(rng);
        float[] colour = contrasting(background.base(), rng);
        double scale = size * (0.25 + 0.15 * rng.nextDouble());
        double cx = size * (0.3 + 0.4 * rng.nextDouble()), cy = size * (0.3 + 0.4 * rng.nextDouble());
        double angle = MAX_TILT * (2 * rng.nextDouble() - 1), cos = Math.cos(angle), sin = Math.sin(angle);
        float noise = (float) (0.05 * rng.nextDouble());
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                double u = ((x + 0.5 - cx) * cos + (y + 0.5 - cy) * sin) / scale;
                double v = (-(x + 0.5 - cx) * sin + (y + 0.5 - cy) * cos) / scale;
                boolean inside = inside(label, u, v);
                for (int c = 0; c < 3; c++) {
                    float value = inside ? colour[c] : background.at(c, (x + 0.5) / size, (y + 0.5) / size);
                    value += noise * (float) rng.nextGaussian();
                    out[offset + c * plane + y * size + x] = Math.clamp(value, 0f, 1f);
                }
            }
        }
        return label;
    }

    /** A random colour whose luminance differs clearly from {@code background}'s, so the shape is visible. */
    private static float[] contrasting(float[] background, Rng rng) {
        float[] c = {(float) rng.nextDouble(), (float) rng.nextDouble(), (float) rng.nextDouble()};
        if (Math.abs(luminance(c) - luminance(background)) < MIN_CONTRAST) for (int i = 0; i < 3; i++) c[i] = 1 - c[i];
        return c;
    }

    private static float luminance(float[] rgb) {
        return 0.299f * rgb[0] + 0.587f * rgb[1] + 0.114f * rgb[2];
    }

    /** Whether the point (u, v) of the shape's own frame (unit radius) lies inside shape {@code label}. */
    static boolean inside(int label, double u, double v) {
        double r = Math.hypot(u, v);
        return switch (label) {
            case 0 -> r < 0.45 + 0.55 * Math.pow(Math.abs(Math.cos(2.5 * Math.atan2(v, u))), 3);
            case 1 -> Math.max(Math.abs(v), 0.866 * Math.abs(u) + 0.5 * Math.abs(v)) < 0.85;
            case 2 -> heart(1.15 * u, 0.25 - 1.15 * v);
            case 3 -> r < 0.9 && Math.hypot(u - 0.4, v) > 0.7;
            case 4 -> (Math.abs(v) < 0.2 && u > -0.9 && u < 0.2) || (u >= 0.2 && u < 0.9 && Math.abs(v) < (0.9 - u) * 0.9);
            case 5 -> (u > -0.7 && u < -0.25 && Math.abs(v) < 0.8) || (v > 0.35 && v < 0.8 && Math.abs(u) < 0.7);
            case 6 -> (v > -0.8 && v < -0.4 && Math.abs(u) < 0.8) || (Math.abs(u) < 0.22 && Math.abs(v) < 0.8);
            case 7 -> Math.abs(u) < 0.9 * Math.abs(v) + 0.1 && Math.abs(v) < 0.85;
            default -> throw new IllegalArgumentException("no shape " + label);
        };
    }

    /** The classic implicit heart (x^2 + y^2 - 1)^3 &lt;= x^2 y^3, y pointing up. */
    private static boolean heart(double x, double y) {
        double q = x * x + y * y - 1;
        return q * q * q <= x * x * y * y * y;
    }

    /** A background: two colours mixed by a texture, a function of position (x, y in [0, 1]). */
    private record Background(float[] base, float[] second, Texture texture) {
        /** The share of the second colour at a point, in [0, 1]. */
        interface Texture {
            double at(double x, double y);
        }

        float at(int channel, double x, double y) {
            return (float) (base[channel] + (second[channel] - base[channel]) * texture.at(x, y));
        }

        /** Flat, gradient, stripes, checkerboard or smooth noise, in random colours, angle and frequency. */
        static Background random(Rng rng) {
            float[] a = {(float) rng.nextDouble(), (float) rng.nextDouble(), (float) rng.nextDouble()};
            float[] b = {(float) rng.nextDouble(), (float) rng.nextDouble(), (float) rng.nextDouble()};
            double angle = Math.PI * rng.nextDouble(), dx = Math.cos(angle), dy = Math.sin(angle);
            double frequency = 2 + 6 * rng.nextDouble(), phase = rng.nextDouble();
            Texture texture = switch (rng.nextInt(5)) {
                case 0 -> (x, y) -> 0;
                case 1 -> (x, y) -> (x * dx + y * dy + 1) / 2;
                case 2 -> (x, y) -> Math.sin(2 * Math.PI * (frequency * (x * dx + y * dy) + phase)) > 0 ? 1 : 0;
                case 3 -> (x, y) -> ((int) Math.floor(x * frequency) + (int) Math.floor(y * frequency)) & 1;
                default -> new SmoothNoise(rng)::at;
            };
            return new Background(a, b, texture);
        }
    }

    /** Value noise on a 4 x 4 lattice, bilinearly interpolated with smoothstep: soft blobs. */
    private static final class SmoothNoise {
        private static final int CELLS = 4;
        private final double[] lattice = new double[(CELLS + 1) * (CELLS + 1)];

        SmoothNoise(Rng rng) {
            for (int i = 0; i < lattice.length; i++) lattice[i] = rng.nextDouble();
        }

        double at(double x, double y) {
            double gx = x * CELLS, gy = y * CELLS;
            int ix = Math.min((int) gx, CELLS - 1), iy = Math.min((int) gy, CELLS - 1);
            double tx = smooth(gx - ix), ty = smooth(gy - iy);
            double top = lerp(lattice[iy * (CELLS + 1) + ix], lattice[iy * (CELLS + 1) + ix + 1], tx);
            double bottom = lerp(lattice[(iy + 1) * (CELLS + 1) + ix], lattice[(iy + 1) * (CELLS + 1) + ix + 1], tx);
            return lerp(top, bottom, ty);
        }

        private static double smooth(double t) {
            return t * t * (3 - 2 * t);
        }

        private static double lerp(double a, double b, double t) {
            return a + (b - a) * t;
        }
    }
}
