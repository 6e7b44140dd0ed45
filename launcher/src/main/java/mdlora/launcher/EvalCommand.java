package mdlora.launcher;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import mdlora.launcher.config.Config;
import mdlora.launcher.config.DomainSpec;
import mdlora.launcher.config.Knob;
import mdlora.launcher.data.ClipPipeline;
import mdlora.launcher.data.DomainData;
import mdlora.launcher.report.RunReport;
import mdlora.launcher.run.RunDir;
import mdlora.launcher.train.Evaluator;
import mdlora.launcher.train.Scores;
import mdlora.launcher.train.TrainedRun;

/** {@code mdlora eval --run RUN_DIR}: top-1 and top-5 accuracy of a run's checkpoint on every domain's test clips. */
public final class EvalCommand implements Command {
    /** The options, each taking a value. */
    private static final Set<String> OPTIONS = Set.of("run", "domain", "eval-clips", "workers");

    @Override
    public Set<String> options() {
        return OPTIONS;
    }

    @Override
    public String name() {
        return "eval";
    }

    @Override
    public String summary() {
        return "evaluate a run's checkpoint on every domain's test clips (top-1, top-5)";
    }

    @Override
    public String usage() {
        return """
                usage: mdlora eval --run RUN_DIR [--domain NAME=LAYOUT:PATH ...] [--eval-clips N] [--workers N]

                Evaluates the run's latest checkpoint on the test split of each of its domains (centre frames and crop)
                and writes eval.json into the run. --domain points a domain of the run at another copy of its dataset;
                --eval-clips N scores an evenly spaced subset of at most N clips per domain.""";
    }

    @Override
    public int run(String[] argv) throws IOException {
        Args args = Args.parse(name(), argv, OPTIONS, Set.of());
        RunDir run = RunDir.open(args.existingPath("run"));
        TrainedRun trained = TrainedRun.load(run);
        Config config = trained.config();
        if (args.has("workers")) config = config.withFlagValues(Knob.WORKERS, args.all("workers"));
        DomainData data = DomainData.load(domains(config, args.all("domain")));
        var evaluator = new Evaluator(ClipPipeline.source(config, trained.model().backboneConfig()), config.integer(Knob.WORKERS));
        Map<String, Evaluator.Score> scores = evaluator.evaluate(trained.model().classifier(), data.test(), args.getInt("eval-clips", 0));
        Scores.write(run, trained.steps(), scores);
        RunReport.write(run, "train");
        System.out.println("after " + trained.steps() + " steps:");
        System.out.print(Scores.table(scores).toText());
        return 0;
    }

    /** The run's domains, with those named in {@code overrides} pointed at their new location. */
    private static List<DomainSpec> domains(Config config, List<String> overrides) {
        List<DomainSpec> domains = new ArrayList<>(config.domains());
        for (String text : overrides) {
            DomainSpec o = DomainSpec.parse(text);
            domains.set(domains.indexOf(config.domain(o.name())), o);
        }
        return domains;
    }
}
