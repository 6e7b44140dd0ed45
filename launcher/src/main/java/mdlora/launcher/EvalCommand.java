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
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mdlora eval --run RUN_DIR}: top-1 and top-5 accuracy of a run's checkpoint on every domain's test clips. */
@Command(name = "eval", header = "evaluate a run's checkpoint on every domain's test clips (top-1, top-5)",
        description = {"Evaluates the run's latest checkpoint on the test split of each of its domains (centre frames and crop) and writes "
                + "eval.json into the run."})
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

    @Override
    public Integer call() throws IOException {
        if (evalClips < 0) throw new UserError("--eval-clips must be 0 or more, got " + evalClips);
        RunDir dir = RunDir.open(UserError.existing(run, "--run"));
        TrainedRun trained = TrainedRun.load(dir);
        Settings config = trained.config();
        if (decodeThreads != null) config.data.decodeThreads = decodeThreads;
        config.data.domains = domains(config.data, moved);
        config.validate();
        DomainData data = DomainData.load(config.data.domains, config.data.split);
        var evaluator = new Evaluator(ClipPipeline.source(config, trained.model().backboneConfig()), config.data.decodeThreads);
        Map<String, Evaluator.Score> scores = scores(evaluator, trained, data);
        RunLock.whenFree(dir, "eval.json", () -> {
            Scores.write(dir, trained.steps(), scores);
            RunReport.write(dir, "train");
        });
        System.out.println("after " + trained.steps() + " steps:");
        System.out.print(Scores.table(scores).toText());
        return 0;
    }

    private Map<String, Evaluator.Score> scores(Evaluator evaluator, TrainedRun trained, DomainData data) {
        try {
            return evaluator.evaluate(trained.model().classifier(), data.test(), evalClips);
        } catch (Diverged e) {
            throw new UserError(trained.run().checkpoint() + " (step " + trained.steps() + "): " + e.getMessage() + "; eval.json not written");
        }
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
