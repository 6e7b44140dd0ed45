package mdlora.launcher.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import mdlora.launcher.run.RunDir;
import mdlora.tensor.io.Json;

/**
 * A run's {@code report.html}, made from what is in the run folder alone (so any command can refresh
 * it): final per-domain accuracy, the loss and per-domain accuracy over steps, the learning rate, the
 * analysis when {@code analyze} has run, and the settings.
 */
public final class RunReport {
    /** Weight of the newest step in the smoothed loss curve (an exponential moving average). */
    private static final double SMOOTHING = 0.1;

    private RunReport() {}

    /** Writes {@code report.html} and its plots into the run; {@code kind} names the run in the title ("train", "pretrain"). */
    public static Path write(RunDir run, String kind) throws IOException {
        var report = new HtmlReport("mdlora " + kind + ": " + run.path().getFileName());
        List<Map<String, Object>> train = run.metrics().read("train"), eval = run.metrics().read("eval");
        Map<String, Object> scores = run.readJson("eval.json");
        if (scores != null) scoreTable(report, scores);
        else accuracyTable(report, eval);
        missing(report, run);
        lossPlots(report, train);
        accuracyPlot(report, eval);
        Map<String, Object> analysis = run.readJson("analysis.json");
        if (analysis != null) AnalysisReport.append(report, analysis);
        settings(report, run);
        return report.write(run.path());
    }

    private static void accuracyTable(HtmlReport report, List<Map<String, Object>> eval) {
        if (eval.isEmpty()) return;
        Map<String, Object> last = eval.getLast();
        report.heading("Accuracy after step " + last.get("step"));
        Table t = new Table("domain", "top-1 accuracy");
        accuracies(last).forEach((domain, acc) -> t.row(domain, percent(acc)));
        report.table(t);
    }

    /**
     * The final scores of {@code eval.json}: per domain the videos, top-1, top-5, mean class accuracy, the
     * videos that could not be decoded and the missing ones (keys an older run's eval.json lacks show as "-").
     */
    private static void scoreTable(HtmlReport report, Map<String, Object> eval) {
        String protocol = eval.get("protocol") instanceof Map<?, ?> p
                ? ", " + p.get("test_clips") + " clip(s) x " + p.get("test_crops") + " crop(s) per video, softmax averaged" : "";
        report.heading("Test scores after step " + eval.get("step") + protocol);
        Table t = new Table("domain", "videos", "top-1", "top-5", "mean class accuracy", "undecodable (counted wrong)", "missing (not scored)");
        ((Map<?, ?>) eval.get("domains")).forEach((domain, value) -> {
            Map<?, ?> s = (Map<?, ?>) value;
            t.row((String) domain, text(s.get("videos") != null ? s.get("videos") : s.get("clips")), fraction(s.get("top1")), fraction(s.get("top5")),
                    fraction(s.get("mean_class_accuracy")), count(s.get("undecodable")), count(s.get("missing")));
        });
        report.table(t);
    }

    private static String fraction(Object value) {
        return value instanceof Number n ? percent(n.doubleValue()) : "-";
    }

    private static String count(Object list) {
        return list instanceof List<?> l ? Integer.toString(l.size()) : "-";
    }

    private static String text(Object value) {
        return value == null ? "-" : value.toString();
    }

    /** How many listed clips the run left out as missing, and where the list is. */
    private static void missing(HtmlReport report, RunDir run) throws IOException {
        Path list = run.file("missing.txt");
        if (!Files.exists(list)) return;
        long count;
        try (var lines = Files.lines(list)) {
            count = lines.filter(l -> !l.isBlank()).count();
        }
        report.paragraph(count + " listed clips were missing and left out of training and testing; they are listed in missing.txt.");
    }

    private static void lossPlots(HtmlReport report, List<Map<String, Object>> train) {
        if (train.isEmpty()) return;
        double[] steps = column(train, "step");
        double[] loss = column(train, "loss");
        report.heading("Training");
        Map<String, LinePlot> plots = new LinkedHashMap<>();
        plots.put("loss", curve("Training loss", "loss", steps, loss));
        if (train.getFirst().containsKey("ce")) {
            plots.put("cross-entropy", curve("Cross-entropy", "cross-entropy", steps, column(train, "ce")));
            if (train.getFirst().containsKey("orth")) {
                plots.put("orth", curve("Orthogonality lambda1 L_orth", "loss", steps, column(train, "orth")));
                plots.put("ss", curve("Subspace separation lambda2 L_ss", "loss", steps, column(train, "ss")));
            } else {
                plots.put("separation", curve("Domain separation (lambda1 L_orth + lambda2 L_ss)", "loss", steps, column(train, "separation")));
            }
            lossTable(report, train.getLast());
        }
        plots.put("lr", new LinePlot("Learning rate", "step", "lr").add("lr", steps, column(train, "lr")));
        report.smallMultiples(plots);
    }

    /** The last step's loss and its parts apart: the cross-entropy is what the domains' accuracy follows, not the total. */
    private static void lossTable(HtmlReport report, Map<String, Object> last) {
        Table t = new Table("loss at step " + last.get("step"), "value");
        Map<String, String> parts = new LinkedHashMap<>();
        parts.put("loss", "total");
        parts.put("ce", "cross-entropy");
        parts.put("orth", "lambda1 L_orth");
        parts.put("ss", "lambda2 L_ss");
        parts.forEach((key, label) -> {
            if (last.get(key) instanceof Number v) t.row(label, String.format(Locale.ROOT, "%.6g", v.doubleValue()));
        });
        report.table(t);
    }

    /** A per-step curve, drawn raw (light) and smoothed (dark). */
    private static LinePlot curve(String title, String yLabel, double[] steps, double[] values) {
        return new LinePlot(title, "step", yLabel)
                .add(new LinePlot.Series("each step", steps, values, 5, LinePlot.Dash.SOLID))
                .add(new LinePlot.Series("smoothed", steps, smooth(values), 0, LinePlot.Dash.SOLID));
    }

    private static void accuracyPlot(HtmlReport report, List<Map<String, Object>> eval) {
        if (eval.isEmpty()) return;
        Map<String, List<double[]>> byDomain = new TreeMap<>();
        for (Map<String, Object> r : eval) {
            double step = ((Number) r.get("step")).doubleValue();
            accuracies(r).forEach((d, acc) -> byDomain.computeIfAbsent(d, k -> new ArrayList<>()).add(new double[] {step, acc}));
        }
        var plot = new LinePlot("Held-out accuracy per domain", "step", "top-1 accuracy").yRange(0, 1);
        byDomain.forEach((domain, points) -> plot.add(domain, points.stream().mapToDouble(p -> p[0]).toArray(), points.stream().mapToDouble(p -> p[1]).toArray()));
        report.figure("accuracy", plot);
    }

    private static void settings(HtmlReport report, RunDir run) throws IOException {
        Map<String, Object> config = run.readJson("config.json");
        if (config == null) return;
        report.heading("Settings (config.json)");
        Table t = new Table("key", "value");
        config.forEach((section, members) -> ((Map<?, ?>) members).forEach((k, v) -> t.row(section + "." + k, Json.write(v))));
        report.table(t);
    }

    /** The per-domain accuracies of an eval record, by domain. */
    public static Map<String, Double> accuracies(Map<String, Object> evalRecord) {
        Map<String, Double> out = new TreeMap<>();
        ((Map<?, ?>) evalRecord.get("acc")).forEach((d, v) -> out.put((String) d, ((Number) v).doubleValue()));
        return out;
    }

    public static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * fraction);
    }

    private static double[] column(List<Map<String, Object>> records, String key) {
        return records.stream().mapToDouble(r -> r.get(key) instanceof Number n ? n.doubleValue() : Double.NaN).toArray();
    }

    private static double[] smooth(double[] values) {
        double[] out = new double[values.length];
        double ema = Double.NaN;
        for (int i = 0; i < values.length; i++) {
            ema = Double.isNaN(ema) ? values[i] : (1 - SMOOTHING) * ema + SMOOTHING * values[i];
            out[i] = ema;
        }
        return out;
    }
}
