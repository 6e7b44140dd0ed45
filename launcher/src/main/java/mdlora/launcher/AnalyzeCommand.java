package mdlora.launcher;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import mdlora.launcher.analysis.Analysis;
import mdlora.launcher.config.Knob;
import mdlora.launcher.report.RunReport;
import mdlora.launcher.run.RunDir;
import mdlora.launcher.train.TrainedRun;

/** {@code mdlora analyze --run RUN_DIR}: effective dimensions, subspace sizes and domain overlaps of a run's LoRAs, into its report. */
public final class AnalyzeCommand implements Command {
    /** The options, each taking a value. */
    private static final Set<String> OPTIONS = Set.of("run");

    @Override
    public Set<String> options() {
        return OPTIONS;
    }

    @Override
    public String name() {
        return "analyze";
    }

    @Override
    public String summary() {
        return "effective dimensions, subspace sizes k, domain overlaps of a run's LoRAs (into its report)";
    }

    @Override
    public String usage() {
        return """
                usage: mdlora analyze --run RUN_DIR

                For every layer with LoRAs: k, the dimension of the frozen weight's column space at the run's tau; the
                cumulative contribution curve C_k of each LoRA's update (paper 000 Fig. 4) and its effective dimension
                (C_k >= %s); the overlap between the domains' update subspaces. Writes analysis.json and adds
                the plots and tables to report.html.""".formatted(Analysis.EFFECTIVE_ENERGY);
    }

    @Override
    public int run(String[] argv) throws IOException {
        Args args = Args.parse(name(), argv, OPTIONS, Set.of());
        RunDir run = RunDir.open(args.existingPath("run"));
        TrainedRun trained = TrainedRun.load(run);
        if (trained.model().lora() == null) throw new UserError(run.path() + " trained only the heads (head-only): it has no LoRAs to analyse");
        Map<String, Object> analysis = Analysis.of(trained.model().lora(), trained.config().number(Knob.TAU));
        run.writeJson("analysis.json", analysis);
        RunReport.write(run, "train");
        print(analysis);
        System.out.println("report: " + run.file("report.html"));
        return 0;
    }

    private static void print(Map<String, Object> analysis) {
        System.out.printf(Locale.ROOT, "%-34s %9s %4s  %s%n", "layer", "out x in", "k", "effective dimension (C_k >= " + Analysis.EFFECTIVE_ENERGY + ")");
        for (Object o : (List<?>) analysis.get("layers")) {
            Map<?, ?> layer = (Map<?, ?>) o;
            System.out.printf(Locale.ROOT, "%-34s %9s %4s  %s%n", layer.get("layer"), layer.get("out") + "x" + layer.get("in"), layer.get("k"), layer.get("effective_dim"));
        }
    }
}
