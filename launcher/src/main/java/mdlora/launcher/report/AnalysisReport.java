package mdlora.launcher.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The analysis part of a report, from one or more {@code analysis.json} documents: the cumulative
 * contribution curves C_k of every LoRA per layer and kind (Takama et al. Fig. 4: colour by domain, line
 * style by configuration), the subspace dimension k and effective dimensions per layer, and the
 * overlap between the domains' subspaces.
 *
 * <p>An analysis document is {@code {"tau": t, "layers": [{"layer", "out", "in", "k", "curves":
 * {"shared" | DOMAIN: [C_1..C_r]}, "effective_dim": {...}, "overlap": [{"a", "b", "value"}]}]}}.
 */
public final class AnalysisReport {
    private static final LinePlot.Dash[] STYLES = LinePlot.Dash.values();

    private AnalysisReport() {}

    /** Appends the analysis of one run: curves and tables. */
    public static void append(HtmlReport report, Map<String, Object> analysis) {
        curves(report, Map.of("", analysis));
        tables(report, analysis);
    }

    /**
     * Appends the Fig. 4 curves of several configurations, {@code byLabel} in legend order (each label
     * gets a line style: solid, dashed, dotted); an empty label for a single run.
     */
    public static void curves(HtmlReport report, Map<String, Map<String, Object>> byLabel) {
        report.heading("Effective dimensions of the LoRAs (Takama et al. Fig. 4)");
        report.paragraph("C_k: the share of a LoRA update's energy in its first k singular directions. A curve that rises fast means the "
                + "update lives in few dimensions. Top: shared LoRAs; bottom: domain LoRAs, one colour per domain.");
        Map<String, LinePlot> shared = new LinkedHashMap<>(), domain = new LinkedHashMap<>();
        int style = 0;
        for (var entry : byLabel.entrySet()) {
            LinePlot.Dash dash = STYLES[style++ % STYLES.length];
            String suffix = entry.getKey().isEmpty() ? "" : " (" + entry.getKey() + ")";
            for (Map<String, Object> layer : layers(entry.getValue())) {
                String name = (String) layer.get("layer");
                Map<?, ?> curves = (Map<?, ?>) layer.get("curves");
                int colour = 1;
                for (var c : curves.entrySet()) {
                    boolean isShared = c.getKey().equals("shared");
                    Map<String, LinePlot> target = isShared ? shared : domain;
                    LinePlot plot = target.computeIfAbsent(plotName(name, isShared),
                            k -> new LinePlot((isShared ? "shared: " : "domain: ") + name, "k", "C_k").yRange(0, 1));
                    double[] y = toArray((List<?>) c.getValue());
                    double[] x = new double[y.length];
                    for (int i = 0; i < x.length; i++) x[i] = i + 1;
                    plot.add(new LinePlot.Series(c.getKey() + suffix, x, y, isShared ? 0 : colour++, dash));
                }
            }
        }
        if (!shared.isEmpty()) report.smallMultiples(shared);
        if (!domain.isEmpty()) report.smallMultiples(domain);
    }

    private static void tables(HtmlReport report, Map<String, Object> analysis) {
        report.heading("Subspaces per layer");
        report.paragraph(String.format(Locale.ROOT, "k: the dimension of the column space of W at tau = %s (the smallest k with C_k >= tau for the "
                + "singular values of W). Effective dimension: the smallest k with C_k >= 0.9 for a LoRA update.", analysis.get("tau")));
        List<Map<String, Object>> layers = layers(analysis);
        List<String> loras = new ArrayList<>();
        for (Map<String, Object> l : layers) for (Object name : ((Map<?, ?>) l.get("effective_dim")).keySet()) if (!loras.contains(name)) loras.add((String) name);
        List<String> header = new ArrayList<>(List.of("layer", "out x in", "k"));
        for (String name : loras) header.add("eff. dim " + name);
        Table dims = new Table(header);
        Table overlap = new Table("layer", "domains", "overlap");
        for (Map<String, Object> l : layers) {
            List<String> row = new ArrayList<>(List.of((String) l.get("layer"), l.get("out") + " x " + l.get("in"), String.valueOf(l.get("k"))));
            Map<?, ?> eff = (Map<?, ?>) l.get("effective_dim");
            for (String name : loras) row.add(eff.containsKey(name) ? String.valueOf(eff.get(name)) : "");
            dims.row(row);
            for (Object o : (List<?>) l.get("overlap")) {
                Map<?, ?> pair = (Map<?, ?>) o;
                overlap.row((String) l.get("layer"), pair.get("a") + " / " + pair.get("b"), String.format(Locale.ROOT, "%.4f", ((Number) pair.get("value")).doubleValue()));
            }
        }
        report.table(dims);
        if (!overlap.rows().isEmpty()) {
            report.heading("Overlap between domain subspaces");
            report.paragraph("||Q_a^T Q_b||_F^2 / min(r_a, r_b) for orthonormal bases Q of the domains' LoRA updates: "
                    + "0 when the domains use orthogonal directions, 1 when one's directions contain the other's.");
            report.table(overlap);
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> layers(Map<String, Object> analysis) {
        return (List<Map<String, Object>>) analysis.get("layers");
    }

    private static String plotName(String layer, boolean shared) {
        return "effdim-" + (shared ? "shared-" : "domain-") + layer.replaceAll("[^A-Za-z0-9]+", "-");
    }

    private static double[] toArray(List<?> values) {
        return values.stream().mapToDouble(v -> ((Number) v).doubleValue()).toArray();
    }
}
