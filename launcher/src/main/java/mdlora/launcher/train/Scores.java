package mdlora.launcher.train;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import mdlora.launcher.report.RunReport;
import mdlora.launcher.report.Table;
import mdlora.launcher.run.RunDir;

/** A run's per-domain scores: its {@code eval.json} and the table the commands print. */
public final class Scores {
    private Scores() {}

    /** Writes {@code eval.json}: the step, and clips, top-1 and top-5 accuracy per domain. */
    public static void write(RunDir run, int step, Map<String, Evaluator.Score> scores) throws IOException {
        Map<String, Object> domains = new LinkedHashMap<>();
        scores.forEach((d, s) -> domains.put(d, Map.of("clips", s.clips(), "top1", s.top1Accuracy(), "top5", s.top5Accuracy())));
        run.writeJson("eval.json", Map.of("step", step, "domains", domains));
    }

    /** The per-domain table: clips, top-1, top-5, and a mean row. */
    public static Table table(Map<String, Evaluator.Score> scores) {
        Table t = new Table("domain", "clips", "top-1", "top-5");
        double top1 = 0, top5 = 0;
        for (var e : scores.entrySet()) {
            Evaluator.Score s = e.getValue();
            t.row(e.getKey(), Integer.toString(s.clips()), RunReport.percent(s.top1Accuracy()), RunReport.percent(s.top5Accuracy()));
            top1 += s.top1Accuracy();
            top5 += s.top5Accuracy();
        }
        if (scores.size() > 1) t.row("mean", "", RunReport.percent(top1 / scores.size()), RunReport.percent(top5 / scores.size()));
        return t;
    }

    /** The top-1 accuracies of {@code eval.json}, by domain. */
    public static Map<String, Double> readTop1(RunDir run) throws IOException {
        Map<String, Object> eval = run.readJson("eval.json");
        if (eval == null) throw new IllegalStateException(run.path() + " has no eval.json: the run has not finished");
        Map<String, Double> out = new LinkedHashMap<>();
        ((Map<?, ?>) eval.get("domains")).forEach((d, s) -> out.put((String) d, ((Number) ((Map<?, ?>) s).get("top1")).doubleValue()));
        return out;
    }
}
