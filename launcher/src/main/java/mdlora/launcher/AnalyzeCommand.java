package mdlora.launcher;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import mdlora.launcher.analysis.Analysis;
import mdlora.launcher.report.RunReport;
import mdlora.launcher.run.RunDir;
import mdlora.launcher.run.RunLock;
import mdlora.launcher.train.TrainedRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mdlora analyze --run RUN_DIR}: effective dimensions, subspace sizes and domain overlaps of a run's LoRAs, into its report. */
@Command(name = "analyze", header = "effective dimensions, subspace sizes k, domain overlaps of a run's LoRAs (into its report)",
        description = {"For every layer with LoRAs: k, the dimension of the frozen weight's column space at the run's tau; the cumulative "
                + "contribution curve C_k of each LoRA's update and its effective dimension (the smallest k with C_k >= "
                + Analysis.EFFECTIVE_ENERGY + "); the overlap between the domains' update subspaces. Writes analysis.json and adds the plots "
                + "and tables to report.html."})
final class AnalyzeCommand implements Callable<Integer> {
    @Option(names = "--run", required = true, paramLabel = "RUN_DIR", description = "the run folder")
    Path run;

    @Override
    public Integer call() throws IOException {
        RunDir dir = RunDir.open(UserError.existing(run, "--run"));
        TrainedRun trained = TrainedRun.load(dir);
        if (trained.model().lora() == null) throw new UserError(dir.path() + " trained only the heads (head-only): it has no LoRAs to analyse");
        Map<String, Object> analysis = Analysis.of(trained.model().lora(), trained.config().lora.tau);
        RunLock.whenFree(dir, "analysis.json", () -> {
            dir.writeJson("analysis.json", analysis);
            RunReport.write(dir, "train");
        });
        print(analysis);
        System.out.println("report: " + dir.file("report.html"));
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
