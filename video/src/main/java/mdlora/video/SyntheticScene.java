package mdlora.video;

import mdlora.tensor.Rng;

/**
 * One synthetic clip: a shape moving over a background. The class fixes the shape and the motion;
 * the domain fixes the look (background pattern, palette, how the shape is painted); the random
 * draws give each clip its own colours, size, start, speed and noise. A single frame shows the
 * shape, the frames together show the motion.
 */
final class SyntheticScene {
    /** Shapes, told apart inside a frame. */
    enum Shape { CIRCLE, RING, SQUARE, DIAMOND, TRIANGLE, CROSS, BAR }

    /** Motions over the clip, t running from 0 to 1. */
    enum Motion { RIGHT, LEFT, UP, DOWN, ORBIT, BOUNCE, SWAY, GROW, SPIN }

    /** How a domain looks. */
    enum Style {
        /**
         * Smooth two-colour gradient, pastel; shapes filled with one solid, muted colour (a vivid colour
         * mixed with {@link #STUDIO_TINT} of the background's), so they stand out only faintly.
         */
        STUDIO,
        /** Diagonal stripes, greys and blues; shapes drawn as thick outlines. */
        STREET,
        /** Soft blotches, greens and browns; shapes filled with a two-colour checker. */
        FOREST
    }

    private static final int[][] PASTELS = {{236, 214, 200}, {200, 220, 236}, {220, 236, 204}, {236, 228, 190}, {214, 204, 236}};
    private static final int[][] GREYS = {{90, 96, 110}, {140, 146, 160}, {60, 70, 96}, {120, 130, 150}};
    private static final int[][] EARTH = {{70, 110, 50}, {110, 90, 50}, {50, 90, 70}, {130, 120, 70}};
    /** The share of the background's mean colour in a STUDIO shape's paint. */
    private static final double STUDIO_TINT = 0.65;
    private static final int[][] VIVID = {{220, 40, 40}, {40, 90, 230}, {250, 200, 30}, {200, 40, 200}, {30, 200, 120}, {250, 120, 20}};

    private final Shape shape;
    private final Motion motion;
    private final Style style;
    private final int[] background0, background1, paint0, paint1;
    private final double size, startX, startY, speed, phase, patternAngle, patternScale, noise;
    private final long noiseSeed;

    SyntheticScene(Shape shape, Motion motion, Style style, Rng rng) {
        this.shape = shape;
        this.motion = motion;
        this.style = style;
        int[][] backs = switch (style) {
            case STUDIO -> PASTELS;
            case STREET -> GREYS;
            case FOREST -> EARTH;
        };
        background0 = jitter(backs[rng.nextInt(backs.length)], rng);
        background1 = jitter(backs[rng.nextInt(backs.length)], rng);
        paint0 = jitter(VIVID[rng.nextInt(VIVID.length)], rng);
        paint1 = jitter(VIVID[rng.nextInt(VIVID.length)], rng);
        if (style == Style.STUDIO)
            for (int c = 0; c < 3; c++)
                paint0[c] = (int) Math.round((1 - STUDIO_TINT) * paint0[c] + STUDIO_TINT * (background0[c] + background1[c]) / 2.0);
        size = 0.16 + 0.08 * rng.nextDouble();
        startX = 0.4 + 0.2 * rng.nextDouble();
        startY = 0.4 + 0.2 * rng.nextDouble();
        speed = 0.8 + 0.4 * rng.nextDouble();
        phase = 2 * Math.PI * rng.nextDouble();
        patternAngle = Math.PI * rng.nextDouble();
        patternScale = 6 + 6 * rng.nextDouble();
        noise = 3 + 4 * rng.nextDouble();
        noiseSeed = rng.nextInt();
    }

    private static int[] jitter(int[] rgb, Rng rng) {
        int[] out = new int[3];
        for (int c = 0; c < 3; c++) out[c] = Math.clamp(rgb[c] + rng.nextInt(31) - 15, 0, 255);
        return out;
    }

    /** Frame {@code t} of {@code frames}, {@code width} x {@code height}. */
    RgbImage render(int t, int frames, int width, int height) {
        double time = frames == 1 ? 0 : (double) t / (frames - 1);
        double[] place = place(time);
        double cx = place[0], cy = place[1], r = size * place[2], angle = place[3];
        double cos = Math.cos(angle), sin = Math.sin(angle);
        Rng grain = new Rng(noiseSeed * 31 + t);
        byte[] px = new byte[3 * width * height];
        double unit = Math.min(width, height);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++) {
                double u = (x + 0.5) / unit, v = (y + 0.5) / unit;
                double[] colour = background(u, v);
                double cover = coverage((u - cx * width / unit), (v - cy * height / unit), r, cos, sin, unit);
                if (cover > 0) {
                    int[] paint = paintAt(u - cx * width / unit, v - cy * height / unit, r, cos, sin);
                    for (int c = 0; c < 3; c++) colour[c] = colour[c] * (1 - cover) + paint[c] * cover;
                }
                double n = noise * grain.nextGaussian();
                for (int c = 0; c < 3; c++) px[3 * (y * width + x) + c] = (byte) Math.clamp(Math.round(colour[c] + n), 0, 255);
            }
        return new RgbImage(width, height, px);
    }

    /** Centre x, y (fractions of the frame), size factor and rotation at time {@code t} in [0, 1]. */
    private double[] place(double t) {
        double travel = 0.32 * speed, x = startX, y = startY, scale = 1, angle = 0;
        switch (motion) {
            case RIGHT -> x = startX - travel / 2 + travel * t;
            case LEFT -> x = startX + travel / 2 - travel * t;
            case UP -> y = startY + travel / 2 - travel * t;
            case DOWN -> y = startY - travel / 2 + travel * t;
            case ORBIT -> {
                x = 0.5 + 0.2 * Math.cos(phase + 2 * Math.PI * speed * t);
                y = 0.5 + 0.2 * Math.sin(phase + 2 * Math.PI * speed * t);
            }
            case BOUNCE -> y = 0.68 - 0.32 * Math.abs(Math.sin(2 * Math.PI * speed * t));
            case SWAY -> x = 0.5 + 0.22 * Math.sin(phase + 2 * Math.PI * speed * t);
            case GROW -> scale = 0.55 + 0.8 * t;
            case SPIN -> angle = phase + Math.PI * speed * t;
        }
        return new double[] {x, y, scale, angle};
    }

    private double[] background(double u, double v) {
        double mix = switch (style) {
            case STUDIO -> 0.5 + 0.5 * Math.sin(patternAngle + 2.2 * v + 1.3 * u);
            case STREET -> Math.sin(patternScale * 2 * (u * Math.cos(patternAngle) + v * Math.sin(patternAngle))) > 0 ? 1 : 0;
            case FOREST -> 0.5 + 0.25 * Math.sin(patternScale * u + phase) * Math.sin(patternScale * 0.8 * v)
                    + 0.25 * Math.sin(patternScale * 1.7 * (u + v) + patternAngle);
        };
        double[] c = new double[3];
        for (int k = 0; k < 3; k++) c[k] = background0[k] * (1 - mix) + background1[k] * mix;
        return c;
    }

    /** Fraction of the pixel at offset (dx, dy) from the shape's centre that the shape covers (2x2 supersampling). */
    private double coverage(double dx, double dy, double r, double cos, double sin, double unit) {
        double q = 0.25 / unit, hits = 0;
        for (int k = 0; k < 4; k++) {
            double sx = dx + ((k & 1) == 0 ? -q : q), sy = dy + ((k & 2) == 0 ? -q : q);
            if (inside(cos * sx + sin * sy, -sin * sx + cos * sy, r)) hits++;
        }
        return hits / 4;
    }

    private boolean inside(double x, double y, double r) {
        boolean in = inShape(x, y, r);
        // STREET draws outlines: inside the shape but not inside a copy shrunk by the stroke width.
        return style == Style.STREET ? in && !inShape(x / 0.62, y / 0.62, r) : in;
    }

    private boolean inShape(double x, double y, double r) {
        double ax = Math.abs(x), ay = Math.abs(y);
        return switch (shape) {
            case CIRCLE -> x * x + y * y < r * r;
            case RING -> x * x + y * y < r * r && x * x + y * y > 0.3 * r * r;
            case SQUARE -> Math.max(ax, ay) < 0.85 * r;
            case DIAMOND -> ax + ay < r;
            case TRIANGLE -> y < 0.75 * r && ax < 0.95 * (y + r) / 1.75;
            case CROSS -> ax < 0.3 * r && ay < r || ay < 0.3 * r && ax < r;
            case BAR -> ax < r && ay < 0.35 * r;
        };
    }

    private int[] paintAt(double dx, double dy, double r, double cos, double sin) {
        if (style != Style.FOREST) return paint0;
        double x = cos * dx + sin * dy, y = -sin * dx + cos * dy;
        return ((int) Math.floor(x / (0.4 * r)) + (int) Math.floor(y / (0.4 * r)) & 1) == 0 ? paint0 : paint1;
    }
}
