package mdlora.launcher;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import mdlora.launcher.config.DomainSpec;
import mdlora.launcher.config.Preset;
import mdlora.launcher.config.Settings;
import mdlora.launcher.config.Workspace;
import mdlora.launcher.model.LoraSettings;
import mdlora.launcher.report.HtmlReport;
import mdlora.launcher.report.LinePlot;
import mdlora.launcher.report.RunReport;
import mdlora.launcher.report.Table;
import mdlora.launcher.run.Progress;
import mdlora.launcher.run.RunDir;
import mdlora.launcher.train.FineTuning;
import mdlora.launcher.train.StopSignal;
import mdlora.video.SyntheticVideos;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code mdlora demo}: the main job on an embedded default. On the synthetic multi-domain clips
 * (generated once, then cached), fine-tunes the shipped image-pretrained ViT twice with the very code
 * of {@code train}: shared + domain LoRAs with subspace constraints and domain separation, and the
 * head-only baseline; then compares them domain by domain.
 */
@Command(name = "demo", header = "the main job: LoRA vs head-only on synthetic multi-domain clips, per-domain table (no arguments)",
        description = {"Generates the synthetic clips of three domains (studio, street, forest; once, under .cache/), then runs `mdlora train` "
                + "twice from the shipped image-pretrained ViT: shared + domain LoRAs with subspace constraints and domain separation, and the "
                + "head-only baseline (same steps, same data); evaluates every domain and prints the two side by side. The demo folder "
                + "(--out, default runs/demo-...) holds both runs (lora/, head-only/) and report.html comparing them. The demo is a preset of "
                + "train: any option below changes both runs, and the defaults shown are the demo's."})
final class DemoCommand implements Callable<Integer> {
    private static final String HEAD_ONLY = Settings.Structure.HEAD_ONLY.toString();
    final Settings settings = preset();
    @Mixin RunFlags run;
    @Mixin Settings.Model model = settings.model;
    @Mixin Settings.Data data = settings.data;
    @Mixin Settings.Lora lora = settings.lora;
    @Mixin Settings.Train train = settings.train;

    /**
     * The demo's settings: {@code mdlora train --preset demo} on the synthetic domains is the LoRA half of the demo
     * (the preset's values are {@code presets/demo.json}; everything else is {@code train}'s default).
     */
    static Settings preset() {
        Settings s = Preset.named("demo").applyTo(new Settings(), Set.of());
        // Off by default for train (a real dataset's whole clips would fill the disk); the demo's clips are tiny.
        s.data.cache = Workspace.frames().toString();
        for (String name : SyntheticVideos.domainNames())
            s.data.domains.add(new DomainSpec(name, "synthetic", Workspace.cache().resolve("synthetic").toString()));
        return s;
    }

    @Override
    public Integer call() throws IOException {
        if (run.resume != null) throw new UserError("a demo is two runs; resume one with: mdlora train --resume DEMO_DIR/lora (or DEMO_DIR/head-only)");
        long start = System.nanoTime();
        Settings withLora = run.resolve(settings);
        Settings headOnly = withLora.copy();
        headOnly.lora.structure = Settings.Structure.HEAD_ONLY;
        Path dir = RunDir.folder(run.out, "demo");
        Map<String, Double> loraAccuracy = train(dir.resolve("lora"), withLora, run.stopAfter());
        if (loraAccuracy == null) return 130;
        Map<String, Double> headAccuracy = train(dir.resolve("head-only"), headOnly, run.stopAfter());
        if (headAccuracy == null) return 130;
        Table table = comparison(headAccuracy, loraAccuracy, label(withLora));
        report(dir, table, List.copyOf(loraAccuracy.keySet()));
        System.out.println();
        System.out.print(table.toText());
        System.out.printf(Locale.ROOT, "demo finished in %s; report: %s%n", Progress.clockTime((System.nanoTime() - start) / 1e9), dir.resolve("report.html"));
        return 0;
    }

    /** One run of the pair, with {@code train}'s own code; its final top-1 per domain, or null when stopped. */
    private static Map<String, Double> train(Path out, Settings settings, int stopAfter) throws IOException {
        RunFlags.Session session = RunFlags.fresh(out, "demo", settings);
        FineTuning fineTuning = session.fineTuning();
        RunDir run = session.open();
        System.err.println("mdlora demo: " + label(session.settings()) + " -> " + run.path());
        try (StopSignal stop = StopSignal.install()) {
            FineTuning.Outcome outcome = fineTuning.train(run, stopAfter, stop);
            if (outcome.result().stopped()) {
                System.out.println("stopped; continue this run with: mdlora train --resume " + run.path());
                return null;
            }
            return outcome.result().accuracy();
        }
    }

    /** "LoRA (upper-heavy, sc, ds)": the method of a run, as the table heads its column. */
    private static String label(Settings settings) {
        if (!LoraSettings.hasLora(settings)) return HEAD_ONLY;
        List<String> parts = new ArrayList<>(List.of(settings.lora.structure.toString()));
        if (settings.lora.sc) parts.add("sc");
        if (settings.lora.ds) parts.add("ds");
        return "LoRA (" + String.join(", ", parts) + ")";
    }

    private static Table comparison(Map<String, Double> headOnly, Map<String, Double> lora, String loraLabel) {
        Table t = new Table("domain", HEAD_ONLY, loraLabel, "gain");
        double sumHead = 0, sumLora = 0;
        for (String d : lora.keySet()) {
            double h = headOnly.get(d), l = lora.get(d);
            t.row(d, RunReport.percent(h), RunReport.percent(l), String.format(Locale.ROOT, "%+.1f pt", 100 * (l - h)));
            sumHead += h;
            sumLora += l;
        }
        int n = lora.size();
        t.row("mean", RunReport.percent(sumHead / n), RunReport.percent(sumLora / n), String.format(Locale.ROOT, "%+.1f pt", 100 * (sumLora - sumHead) / n));
        return t;
    }

    /** The demo's own report: the comparison, and each run's held-out accuracy over steps side by side. */
    private static void report(Path dir, Table table, List<String> domains) throws IOException {
        var report = new HtmlReport("mdlora demo: shared + domain LoRAs vs head-only");
        report.paragraph("Both runs start from the same image-pretrained ViT and see the same clips in the same order; the head-only "
                + "run trains only the per-domain heads. Each run's own report: lora/report.html, head-only/report.html.");
        report.heading("Top-1 accuracy on the test clips");
        report.table(table);
        var plot = new LinePlot("Held-out accuracy over training", "step", "top-1 accuracy").yRange(0, 1);
        int colour = 0;
        for (String domain : domains) {
            for (String run : List.of("lora", "head-only")) {
                var points = RunDir.open(dir.resolve(run)).metrics().read("eval").stream()
                        .filter(r -> RunReport.accuracies(r).containsKey(domain)).toList();
                double[] x = points.stream().mapToDouble(r -> ((Number) r.get("step")).doubleValue()).toArray();
                double[] y = points.stream().mapToDouble(r -> RunReport.accuracies(r).get(domain)).toArray();
                plot.add(new LinePlot.Series(domain + " " + run, x, y, colour, run.equals("lora") ? LinePlot.Dash.SOLID : LinePlot.Dash.DASHED));
            }
            colour++;
        }
        report.figure("accuracy-lora-vs-head-only", plot);
        report.write(dir);
    }
}
