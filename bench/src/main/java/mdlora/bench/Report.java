package mdlora.bench;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;
import java.util.Map;
import mdlora.tensor.Parallel;

/** Prints the figures of a run: a table beside PyTorch's, or one JSON object. */
final class Report {
    private static final String ROW = "%-28s %12s %12s %8s%n";

    private Report() {}

    /** One block per workload: each figure, PyTorch's figure, and how many times better mdlora is. */
    static void table(PrintStream out, Map<Workload, List<Figure>> results, Map<String, Double> torch) {
        for (var e : results.entrySet()) {
            out.println(e.getKey().id() + "  " + e.getKey().description());
            out.printf(ROW, "figure", "mdlora", "PyTorch", "ratio");
            for (Figure f : e.getValue()) {
                Double t = f.torchKey() == null || !torch.containsKey(f.torchKey()) ? null : f.torchValue(torch.get(f.torchKey()));
                out.printf(ROW, f.key(), number(f.value()), t == null ? "-" : number(t),
                        t == null ? "-" : String.format("%.2fx", f.ratioTo(t)));
            }
            out.println();
        }
        if (PeakFlops.isMeasured()) out.printf("peak_gflops %s (FMA loop on %d threads, the denominator of every MFU)%n", number(PeakFlops.gflops()), Parallel.threads());
        if (!torch.isEmpty()) out.println("ratio > 1: mdlora does better than PyTorch, measured side by side in this run.");
    }

    /** All figures as one JSON object; PyTorch's under the same keys prefixed with {@code torch_}. */
    static void json(PrintStream out, Map<Workload, List<Figure>> results, Map<String, Double> torch) {
        StringBuilder sb = new StringBuilder("{");
        if (PeakFlops.isMeasured()) entry(sb, "peak_gflops", PeakFlops.gflops());
        for (List<Figure> figures : results.values())
            for (Figure f : figures) entry(sb, f.key(), f.value());
        for (List<Figure> figures : results.values())
            for (Figure f : figures)
                if (f.torchKey() != null && torch.containsKey(f.torchKey())) entry(sb, "torch_" + f.key(), f.torchValue(torch.get(f.torchKey())));
        out.println(sb.append("\n}"));
    }

    private static void entry(StringBuilder sb, String key, double value) {
        sb.append(sb.length() > 1 ? ",\n" : "\n").append("  \"").append(key).append("\": ").append(number(value));
    }

    /** Four significant digits (fractions such as MFU keep theirs): the machines are too noisy for more to mean anything. */
    private static String number(double v) {
        if (!Double.isFinite(v)) return "null";
        return new BigDecimal(v).round(new MathContext(4)).stripTrailingZeros().toPlainString();
    }
}
