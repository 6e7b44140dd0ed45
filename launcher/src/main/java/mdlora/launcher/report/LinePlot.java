package mdlora.launcher.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;

/**
 * A line plot as a standalone SVG document: axes with "nice" ticks (1, 2, 5 x 10^n), a grid, a title,
 * axis labels and a legend below the axes. Enough for loss curves, accuracy over steps and the
 * cumulative-contribution curves of Takama et al. Fig. 4, with no plotting library.
 */
public final class LinePlot {
    /** Colour-blind-safe palette (Okabe-Ito); series pick colours by index. */
    private static final String[] PALETTE = {"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"};
    private static final int LEFT = 64, RIGHT = 16, TOP = 34, AXIS_BOTTOM = 46, LEGEND_ROW = 18;

    /** How a series is stroked. */
    public enum Dash {
        SOLID(""), DASHED("6 4"), DOTTED("1.5 3");

        private final String pattern;

        Dash(String pattern) {
            this.pattern = pattern;
        }
    }

    /** One named curve; {@code color} indexes the palette. */
    public record Series(String name, double[] x, double[] y, int color, Dash dash) {
        public Series {
            if (x.length != y.length) throw new IllegalArgumentException("series '" + name + "': " + x.length + " x values but " + y.length + " y values");
        }
    }

    private final String title, xLabel, yLabel;
    private final List<Series> series = new ArrayList<>();
    private Double yMin, yMax;

    public LinePlot(String title, String xLabel, String yLabel) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    /** Adds a curve; points with a non-finite y are left out (a gap in the data, not a zero). */
    public LinePlot add(Series s) {
        series.add(s);
        return this;
    }

    /** Adds a solid curve coloured by its position among the series. */
    public LinePlot add(String name, double[] x, double[] y) {
        return add(new Series(name, x, y, series.size(), Dash.SOLID));
    }

    /** Fixes the y range (accuracies and contribution ratios live in [0, 1]) instead of fitting the data. */
    public LinePlot yRange(double min, double max) {
        yMin = min;
        yMax = max;
        return this;
    }

    public boolean isEmpty() {
        return series.stream().allMatch(s -> s.x().length == 0);
    }

    /** The plot as an SVG document {@code width} x (at least) {@code height} pixels. */
    public String toSvg(int width, int height) {
        int legendRows = (series.size() + 2) / 3;
        int totalHeight = height + legendRows * LEGEND_ROW + 4;
        double plotW = width - LEFT - RIGHT, plotH = height - TOP - AXIS_BOTTOM;
        Axis x = Axis.fit(range(true, null, null), 6);
        Axis y = Axis.fit(range(false, yMin, yMax), 5);

        var svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"11\">%n",
                width, totalHeight, width, totalHeight));
        svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", width, totalHeight));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"20\" font-size=\"13\" font-weight=\"bold\">%s</text>%n", LEFT, Xml.escape(title)));
        for (double t : x.ticks()) {
            double px = LEFT + x.scale(t) * plotW;
            svg.append(line(px, TOP, px, TOP + plotH, "#e6e6e6"));
            svg.append(text(px, TOP + plotH + 15, "middle", x.label(t)));
        }
        for (double t : y.ticks()) {
            double py = TOP + plotH - y.scale(t) * plotH;
            svg.append(line(LEFT, py, LEFT + plotW, py, "#e6e6e6"));
            svg.append(text(LEFT - 6, py + 4, "end", y.label(t)));
        }
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" stroke=\"#444\"/>%n", LEFT, TOP, plotW, plotH));
        svg.append(text(LEFT + plotW / 2, TOP + plotH + 34, "middle", xLabel));
        svg.append(String.format(Locale.ROOT, "<text transform=\"translate(14 %.1f) rotate(-90)\" text-anchor=\"middle\">%s</text>%n", TOP + plotH / 2, Xml.escape(yLabel)));
        for (Series s : series) svg.append(polyline(s, x, y, plotW, plotH));
        for (int i = 0; i < series.size(); i++) svg.append(legendEntry(series.get(i), i, width, height));
        svg.append("</svg>\n");
        return svg.toString();
    }

    /** The curve as a polyline, or a dot when only one point is finite (one evaluation so far). */
    private String polyline(Series s, Axis x, Axis y, double plotW, double plotH) {
        List<double[]> points = new ArrayList<>();
        for (int i = 0; i < s.x().length; i++) {
            if (!Double.isFinite(s.y()[i]) || !Double.isFinite(s.x()[i])) continue;
            double px = LEFT + x.scale(s.x()[i]) * plotW;
            double py = TOP + plotH - y.scale(Math.clamp(s.y()[i], y.min(), y.max())) * plotH;
            points.add(new double[] {px, py});
        }
        String color = PALETTE[s.color() % PALETTE.length];
        if (points.size() == 1)
            return String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>%n", points.getFirst()[0], points.getFirst()[1], color);
        var coordinates = new StringJoiner(" ");
        for (double[] p : points) coordinates.add(String.format(Locale.ROOT, "%.1f,%.1f", p[0], p[1]));
        return String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.8\" stroke-dasharray=\"%s\" points=\"%s\"/>%n",
                color, s.dash().pattern, coordinates);
    }

    private String legendEntry(Series s, int i, int width, int height) {
        double colW = (width - LEFT - RIGHT) / 3.0;
        double lx = LEFT + (i % 3) * colW, ly = height + 12 + (i / 3) * LEGEND_ROW;
        String color = PALETTE[s.color() % PALETTE.length];
        return String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"2\" stroke-dasharray=\"%s\"/>%n",
                lx, ly - 4, lx + 22, ly - 4, color, s.dash().pattern)
                + text(lx + 28, ly, "start", s.name());
    }

    private double[] range(boolean forX, Double fixedMin, Double fixedMax) {
        if (fixedMin != null) return new double[] {fixedMin, fixedMax};
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (int i = 0; i < s.x().length; i++) {
                double v = forX ? s.x()[i] : s.y()[i];
                if (!Double.isFinite(v) || !Double.isFinite(forX ? s.y()[i] : s.x()[i])) continue;
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        if (lo > hi) return new double[] {0, 1};
        return new double[] {lo, hi};
    }

    private static String line(double x1, double y1, double x2, double y2, String stroke) {
        return String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>%n", x1, y1, x2, y2, stroke);
    }

    private static String text(double x, double y, String anchor, String s) {
        return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">%s</text>%n", x, y, anchor, Xml.escape(s));
    }

    /** An axis range widened to round tick values, and those ticks. */
    record Axis(double min, double max, double step) {
        static Axis fit(double[] range, int targetTicks) {
            double lo = range[0], hi = range[1];
            if (hi - lo < 1e-12 * Math.max(1, Math.abs(hi))) {
                double pad = Math.max(Math.abs(hi) * 0.05, 1e-3);
                lo -= pad;
                hi += pad;
            }
            double step = niceStep((hi - lo) / targetTicks);
            return new Axis(Math.floor(lo / step + 1e-9) * step, Math.ceil(hi / step - 1e-9) * step, step);
        }

        /** The smallest of 1, 2, 5 x 10^n that is at least {@code raw}. */
        static double niceStep(double raw) {
            double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
            for (double m : new double[] {1, 2, 5, 10}) if (m * magnitude >= raw * (1 - 1e-9)) return m * magnitude;
            return 10 * magnitude;
        }

        double scale(double v) {
            return (v - min) / (max - min);
        }

        List<Double> ticks() {
            List<Double> ticks = new ArrayList<>();
            long n = Math.round((max - min) / step);
            for (long i = 0; i <= n; i++) ticks.add(min + i * step);
            return ticks;
        }

        String label(double v) {
            if (Math.abs(v) < step * 1e-6) return "0";
            double a = Math.abs(v);
            if (a >= 1e5 || a < 1e-3) return String.format(Locale.ROOT, "%.0e", v);
            int decimals = Math.max(0, (int) -Math.floor(Math.log10(step) + 1e-9));
            return String.format(Locale.ROOT, "%." + decimals + "f", v);
        }
    }
}
