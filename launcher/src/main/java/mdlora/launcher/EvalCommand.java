package mdlora.launcher;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import mdlora.launcher.config.DomainSpec;
import mdlora.launcher.config.Settings;
import mdlora.launcher.data.ClipPipeline;
import mdlora.launcher.data.DomainData;
import mdlora.launcher.report.RunReport;
import mdlora.launcher.run.RunDir;
import mdlora.launcher.run.RunLock;
import mdlora.launcher.train.Diverged;
import mdlora.launcher.train.Evaluator;
import mdlora.launcher.train.Scores;
import mdlora.launcher.train.TrainedRun;
import mdlora.video.Dataset;
import mdlora.video.TestViews;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mdlora eval --run RUN_DIR}: top-1, top-5 and mean class accuracy of a run's checkpoint on every
 * domain's test videos, with mmaction2's test protocol; works on any finished run, older ones included.
 */
@Command(name = "eval", header = "evaluate a run's checkpoint on every domain's test videos (top-1, top-5, mean class accuracy)",
        description = {"Evaluates the run's latest checkpoint on the test split of each of its domains with mmaction2's test protocol "
                + "(--test-clips temporal clips x --test-crops crops per video, softmax probabilities averaged per video; by default the run's "
                + "own, one centre clip and crop for runs that had none) and writes eval.json and report.html into the run. Test videos that "
                + "cannot be decoded count as wrong and are listed in eval.json; a domain none of whose test videos decode is an error."})
final class EvalCommand implements Callable<Integer> {
    @Option(names = "--run", required = true, paramLabel = "RUN_DIR", description = "the run folder")
    Path run;
    @Option(names = "--domain", paramLabel = "NAME=LAYOUT:PATH", converter = DomainSpec.Converter.class,
            description = "point a domain of the run at another copy of its dataset (repeatable)")
    List<DomainSpec> moved = new ArrayList<>();
    @Option(names = "--eval-clips", paramLabel = "N", description = "score an evenly spaced subset of at most N clips per domain (0: all)")
    int evalClips;
    @Option(names = "--decode-threads", paramLabel = "N", description = "decoding threads (default: the run's)")
    Integer decodeThreads;
    @Option(names = "--test-clips", paramLabel = "N", description = "temporal clips per video, spread uniformly (default: the run's)")
    Integer testClips;
    @Option(names = "--test-crops", paramLabel = "1|3", description = "crops per clip: 1 (centre) or 3 (along the longer side) (default: the run's)")
    Integer testCrops;

    @Override
    public Integer call() throws IOException {
        if (evalClips < 0) throw new UserError("--eval-clips must be 0 or more, got " + evalClips);
        RunDir dir = RunDir.open(UserError.existing(run, "--run"));
        TrainedRun trained = TrainedRun.load(dir);
        Settings config = trained.config();
        if (decodeThreads != null) config.data.decodeThreads = decodeThreads;
        if (testClips != null) config.train.testClips = testClips;
        if (testCrops != null) config.train.testCrops = testCrops;
        config.data.domains = domains(config.data, moved);
        config.validate();
        TestViews views = ClipPipeline.testViews(config.train.testClips, config.train.testCrops);
        DomainData data = DomainData.load(config.data.domains, config.data.split, config.data.maxMissing);
        List<DomainData.Missing> missing = data.missing("test");
        if (!missing.isEmpty())
            System.err.println("eval: " + missing.size() + " listed test videos are missing and not scored (first: " + missing.getFirst().path() + "; all in eval.json)");
        var evaluator = new Evaluator(ClipPipeline.source(config, trained.model().backboneConfig()), config.data.decodeThreads);
        Map<String, Evaluator.Score> scores;
        try {
            List<Dataset> test = data.test().stream().map(d -> Evaluator.subset(d, evalClips)).toList();
            scores = Evaluator.score(evaluator.predict(trained.model().classifier(), test, views));
        } catch (Diverged e) {
            throw new UserError(dir.checkpoint() + " (step " + trained.steps() + "): " + e.getMessage() + "; eval.json not written");
        }
        Map<String, Evaluator.Score> scored = scores;
        RunLock.whenFree(dir, "eval.json", () -> {
            Scores.write(dir, trained.steps(), views, scored, data);
            RunReport.write(dir, "train");
        });
        System.out.println("after " + trained.steps() + " steps; " + Scores.protocol(views) + ":");
        System.out.print(Scores.table(scores).toText());
        return 0;
    }

    /** The run's domains, with those named in {@code overrides} pointed at their new location. */
    private static List<DomainSpec> domains(Settings.Data data, List<DomainSpec> overrides) {
        List<DomainSpec> domains = new ArrayList<>(data.domains);
        for (DomainSpec o : overrides) {
            domains.set(domains.indexOf(data.domain(o.name())), o);
        }
        return domains;
    }
}
