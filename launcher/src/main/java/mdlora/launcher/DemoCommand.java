package mdlora.launcher;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import mdlora.launcher.config.Config;
import mdlora.launcher.config.DomainSpec;
import mdlora.launcher.config.Knob;
import mdlora.launcher.model.LoraSettings;
import mdlora.launcher.report.HtmlReport;
import mdlora.launcher.report.LinePlot;
import mdlora.launcher.report.RunReport;
import mdlora.launcher.report.Table;
import mdlora.launcher.run.RunDir;
import mdlora.launcher.train.FineTuning;
import mdlora.launcher.train.StopSignal;
import mdlora.video.SyntheticVideos;

/**
 * {@code mdlora demo}: the main job on an embedded default. On the synthetic multi-domain clips
 * (generated once, then cached), fine-tunes the shipped image-pretrained ViT twice with the very code
 * of {@code train}: shared + domain LoRAs with subspace constraints and domain separation, and the
 * head-only baseline; then compares them domain by domain.
 */
public final class DemoCommand implements Command {
    static final RunOptions OPTIONS = new RunOptions("demo", List.of("model", "data", "lora", "train"));

    /** The demo's settings: {@code mdlora train} with these flags is the LoRA half of the demo. */
    static Config preset() {
        Path cache = Workspace.cache();
        List<DomainSpec> domains = new ArrayList<>();
        for (String name : SyntheticVideos.domainNames()) domains.add(new DomainSpec(name, "synthetic", cache.resolve("synthetic").toString()));
        return Config.defaults()
                .with(Knob.DOMAINS, List.copyOf(domains))
                .with(Knob.CACHE, cache.resolve("frames").toString())
                .with(Knob.IMAGE_SIZE, 64).with(Knob.FRAMES, 4)
                .with(Knob.STRUCTURE, "upper-heavy").with(Knob.RANK_SHARED, 8).with(Knob.RANK_DOMAIN, 8)
                .with(Knob.ALPHA_SHARED, 16.0).with(Knob.ALPHA_DOMAIN, 16.0)
                .with(Knob.SC, true).with(Knob.DS, true)
                .with(Knob.BATCH, 8).with(Knob.STEPS, 1200).with(Knob.LR, 2e-3).with(Knob.WARMUP, 20)
                .with(Knob.EVAL_EVERY, 200).with(Knob.CHECKPOINT_EVERY, 400);
    }

    @Override
    public Set<String> options() {
        return OPTIONS.valued();
    }

    @Override
    public String name() {
        return "demo";
    }

    @Override
    public String summary() {
        return "the main job: LoRA vs head-only on synthetic multi-domain clips, per-domain table (no arguments)";
    }

    @Override
    public String usage() {
        return OPTIONS.usage("[options]", """
                Generates the synthetic clips of three domains (studio, street, forest; once, under .cache/), then runs
                `mdlora train` twice from the shipped image-pretrained ViT: shared + domain LoRAs with subspace
                constraints and domain separation, and the head-only baseline (same steps, same data); evaluates
                every domain and prints the two side by side. The demo folder (--out, default runs/demo-...) holds
                both runs (lora/, head-only/) and report.html comparing them. Any flag below changes both runs.""", preset());
    }

    @Override
    public int run(String[] argv) throws IOException {
        Args args = OPTIONS.parse(argv);
        if (args.has("resume")) throw new UserError("a demo is two runs; resume one with: mdlora train --resume DEMO_DIR/lora (or DEMO_DIR/head-only)");
        long start = System.nanoTime();
        Config lora = OPTIONS.resolve(args, preset());
        Path dir = RunDir.folder(args.has("out") ? Path.of(args.get("out", null)) : null, "demo");
        Map<String, Double> withLora = train(dir.resolve("lora"), lora, args);
        if (withLora == null) return 130;
        Map<String, Double> headOnly = train(dir.resolve("head-only"), lora.with(Knob.STRUCTURE, LoraSettings.HEAD_ONLY), args);
        if (headOnly == null) return 130;
        Table table = comparison(headOnly, withLora, label(lora));
        report(dir, table, List.copyOf(withLora.keySet()));
        System.out.println();
        System.out.print(table.toText());
        System.out.printf(Locale.ROOT, "demo finished in %s; report: %s%n", Progress.clockTime((System.nanoTime() - start) / 1e9), dir.resolve("report.html"));
        return 0;
    }

    /** One run of the pair, with {@code train}'s own code; its final top-1 per domain, or null when stopped. */
    private static Map<String, Double> train(Path out, Config config, Args args) throws IOException {
        RunOptions.Session session = RunOptions.fresh(out, "demo", config);
        Config resolved = session.config();
        FineTuning fineTuning = FineTuning.prepare(resolved);
        RunDir run = session.open();
        System.err.println("mdlora demo: " + label(resolved) + " -> " + run.path());
        try (StopSignal stop = StopSignal.install()) {
            FineTuning.Outcome outcome = fineTuning.train(run, RunOptions.stopAfter(args), stop);
            if (outcome.result().stopped()) {
                System.out.println("stopped; continue this run with: mdlora train --resume " + run.path());
                return null;
            }
            return outcome.result().accuracy();
        }
    }

    /** "LoRA (upper-heavy, sc, ds)": the method of a run, as the table heads its column. */
    private static String label(Config config) {
        if (!LoraSettings.hasLora(config)) return LoraSettings.HEAD_ONLY;
        List<String> parts = new ArrayList<>(List.of(config.string(Knob.STRUCTURE)));
        if (config.bool(Knob.SC)) parts.add("sc");
        if (config.bool(Knob.DS)) parts.add("ds");
        return "LoRA (" + String.join(", ", parts) + ")";
    }

    private static Table comparison(Map<String, Double> headOnly, Map<String, Double> lora, String loraLabel) {
        Table t = new Table("domain", LoraSettings.HEAD_ONLY, loraLabel, "gain");
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
