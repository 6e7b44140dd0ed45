package mdlora.launcher.train;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mdlora.launcher.data.DomainData;
import mdlora.launcher.report.RunReport;
import mdlora.launcher.report.Table;
import mdlora.launcher.run.RunDir;
import mdlora.video.TestViews;

/** A run's per-domain scores: its {@code eval.json} and the table the commands print. */
public final class Scores {
    /** The run folder's final scores. */
    public static final String FILE = "eval.json";

    private Scores() {}

    /**
     * Writes {@code eval.json}: the step, the test protocol, and per domain the videos, top-1 and top-5
     * accuracy, mean class accuracy, the videos that could not be decoded (counted as wrong) and the listed
     * test videos that are missing (not scored).
     */
    public static void write(RunDir run, int step, TestViews views, Map<String, Evaluator.Score> scores, DomainData data) throws IOException {
        Map<String, Object> domains = new LinkedHashMap<>();
        scores.forEach((d, s) -> {
            Map<String, Object> domain = new LinkedHashMap<>();
            domain.put("videos", s.videos());
            domain.put("top1", s.top1Accuracy());
            domain.put("top5", s.top5Accuracy());
            domain.put("mean_class_accuracy", s.meanClassAccuracy());
            domain.put("undecodable", s.undecodable().stream().map(f -> Map.of("video", f.video(), "error", f.error())).toList());
            domain.put("missing", data.missing("test").stream().filter(m -> m.domain().equals(d)).map(m -> m.path().toString()).toList());
            domains.put(d, domain);
        });
        Map<String, Object> eval = new LinkedHashMap<>();
        eval.put("step", step);
        eval.put("protocol", Map.of("test_clips", views.clips(), "test_crops", views.crops(), "averaging", "prob"));
        eval.put("domains", domains);
        run.writeJson(FILE, eval);
    }

    /** The line naming the test protocol, printed above the table. */
    public static String protocol(TestViews views) {
        return "test protocol: " + views + " per video, softmax probabilities averaged";
    }

    /** The per-domain table: videos, top-1, top-5, mean class accuracy (and undecodable videos when any), and a mean row. */
    public static Table table(Map<String, Evaluator.Score> scores) {
        boolean failures = scores.values().stream().anyMatch(s -> !s.undecodable().isEmpty());
        Table t = failures ? new Table("domain", "videos", "top-1", "top-5", "mean class", "undecodable")
                : new Table("domain", "videos", "top-1", "top-5", "mean class");
        double top1 = 0, top5 = 0, meanClass = 0;
        for (var e : scores.entrySet()) {
            Evaluator.Score s = e.getValue();
            List<String> row = List.of(e.getKey(), Integer.toString(s.videos()), RunReport.percent(s.top1Accuracy()), RunReport.percent(s.top5Accuracy()),
                    RunReport.percent(s.meanClassAccuracy()), Integer.toString(s.undecodable().size()));
            t.row(row.subList(0, t.header().size()));
            top1 += s.top1Accuracy();
            top5 += s.top5Accuracy();
            meanClass += s.meanClassAccuracy();
        }
        int n = scores.size();
        if (n > 1) {
            List<String> mean = List.of("mean", "", RunReport.percent(top1 / n), RunReport.percent(top5 / n), RunReport.percent(meanClass / n), "");
            t.row(mean.subList(0, t.header().size()));
        }
        return t;
    }

    /** The top-1 accuracies of {@code eval.json}, by domain. */
    public static Map<String, Double> readTop1(RunDir run) throws IOException {
        Map<String, Object> eval = run.readJson(FILE);
        if (eval == null) throw new IllegalStateException(run.path() + " has no eval.json: the run has not finished");
        Map<String, Double> out = new LinkedHashMap<>();
        ((Map<?, ?>) eval.get("domains")).forEach((d, s) -> out.put((String) d, ((Number) ((Map<?, ?>) s).get("top1")).doubleValue()));
        return out;
    }
}
