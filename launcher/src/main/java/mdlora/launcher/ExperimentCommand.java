package mdlora.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;
import mdlora.launcher.config.Settings;
import mdlora.launcher.report.AnalysisReport;
import mdlora.launcher.report.HtmlReport;
import mdlora.launcher.report.LinePlot;
import mdlora.launcher.report.Table;
import mdlora.tensor.io.AtomicFile;
import mdlora.launcher.run.RunDir;
import mdlora.launcher.train.FineTuning;
import mdlora.launcher.train.Scores;
import mdlora.launcher.train.StopSignal;
import mdlora.tensor.io.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code mdlora experiment table1|rank|tau}: grids of fine-tuning runs on the synthetic domains (the
 * demo's settings plus any flags), each cell over several seeds, summarised as mean +- std per domain in
 * a Markdown table and a report. Every cell is an ordinary run folder; running the same command with the
 * same {@code --out} again reuses the cells that finished and resumes the others.
 */
@Command(name = "experiment", header = "Table 1 grid (structure x sc x ds), rank and tau sweeps; mean +- std over seeds",
        description = {"table1: upper-heavy / all-flat x subspace constraints (sc) off/on x domain separation (ds) off/on, as Table 1 of "
                + "Takama et al., \"Separating Shared and Domain-Specific LoRAs for Multi-Domain Learning\". "
                + "rank: the LoRA rank r (shared and domain), --values 2,4,8,16 by default. "
                + "tau: the energy threshold of the subspace constraints, --values 0.8,0.9,0.95,0.99 by default.",
                "Each cell trains --seeds seeds with the demo's settings changed by the options below, and the experiment folder (--out, "
                + "default runs/experiment-KIND-...) gets table.md, results.json and report.html (with the effective-dimension curves for "
                + "table1). Rerun with the same --out to continue an interrupted experiment."})
final class ExperimentCommand implements Callable<Integer> {
    /** The experiments. */
    enum Kind {
        TABLE1, RANK, TAU;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    final Settings settings = DemoCommand.preset();
    @Parameters(index = "0", paramLabel = "EXPERIMENT", description = "${COMPLETION-CANDIDATES}")
    Kind kind;
    @Option(names = "--seeds", paramLabel = "N", description = "seeds per cell")
    int seeds = 3;
    @Option(names = "--values", paramLabel = "A,B,...", split = ",", description = "the swept values (rank: 2,4,8,16; tau: 0.8,0.9,0.95,0.99)")
    List<String> values;
    @Mixin RunFlags run;
    @Mixin Settings.Model model = settings.model;
    @Mixin Settings.Data data = settings.data;
    @Mixin Settings.Lora lora = settings.lora;
    @Mixin Settings.Train train = settings.train;

    /** One configuration of a grid: its name (its folders' prefix), the row labels it shows, and its settings. */
    record Cell(String name, List<String> labels, Settings settings) {}

    @Override
    public Integer call() throws IOException {
        if (run.resume != null) throw new UserError("to continue an experiment, run it again with the same --out");
        if (seeds < 1) throw new UserError("--seeds must be at least 1, got " + seeds);
        Settings base = run.resolve(settings);
        List<Cell> cells = switch (kind) {
            case TABLE1 -> table1(base);
            case RANK -> sweep(base, kind, values == null ? List.of("2", "4", "8", "16") : values, (s, v) -> s.lora.rankShared = s.lora.rankDomain = Integer.parseInt(v));
            case TAU -> sweep(base, kind, values == null ? List.of("0.8", "0.9", "0.95", "0.99") : values, (s, v) -> s.lora.tau = Double.parseDouble(v));
        };
        Path dir = RunDir.folder(run.out, "experiment-" + kind);
        Map<Cell, List<Map<String, Double>>> results = new LinkedHashMap<>();
        for (Cell cell : cells) {
            List<Map<String, Double>> perSeed = new ArrayList<>();
            for (int seed = 0; seed < seeds; seed++) {
                Settings s = cell.settings().copy();
                s.train.seed = seed;
                Map<String, Double> accuracy = runCell(dir.resolve(cell.name() + "-seed" + seed), s, run.stopAfter());
                if (accuracy == null) {
                    System.out.println("stopped; run the same command with --out " + dir + " to continue");
                    return 130;
                }
                perSeed.add(accuracy);
            }
            results.put(cell, perSeed);
        }
        Table table = table(kind, cells, results);
        AtomicFile.writeString(dir.resolve("table.md"), table.toMarkdown());
        report(dir, kind, table, cells, results);
        System.out.print(table.toText());
        System.out.println("table: " + dir.resolve("table.md") + "\nreport: " + dir.resolve("report.html"));
        return 0;
    }

    /** Table 1: both structures, each with sc and ds off and on. */
    static List<Cell> table1(Settings base) {
        List<Cell> cells = new ArrayList<>();
        for (Settings.Structure structure : List.of(Settings.Structure.UPPER_HEAVY, Settings.Structure.ALL_FLAT))
            for (boolean sc : List.of(false, true))
                for (boolean ds : List.of(false, true)) {
                    Settings s = base.copy();
                    s.lora.structure = structure;
                    s.lora.sc = sc;
                    s.lora.ds = ds;
                    cells.add(new Cell(structure + "-sc" + onOff(sc) + "-ds" + onOff(ds), List.of(structure.toString(), sc ? "yes" : "no", ds ? "yes" : "no"), s));
                }
        return cells;
    }

    private static String onOff(boolean on) {
        return on ? "-on" : "-off";
    }

    /** One cell per value, {@code apply} setting it (for the rank, both kinds of LoRA take the value); each checked as a flag would be. */
    static List<Cell> sweep(Settings base, Kind kind, List<String> values, BiConsumer<Settings, String> apply) {
        List<Cell> cells = new ArrayList<>();
        for (String v : values) {
            Settings s = base.copy();
            try {
                apply.accept(s, v.strip());
            } catch (NumberFormatException e) {
                throw new UserError("--values: '" + v + "' is not a " + kind + " value");
            }
            // folder names as the flags they set (rank-shared-4, tau-0.9), so earlier experiments' cells are reused
            cells.add(new Cell((kind == Kind.RANK ? "rank-shared" : kind) + "-" + v.strip(), List.of(v.strip()), s.validate()));
        }
        return cells;
    }

    /** Trains one cell for one seed, or reuses it when it finished before; its final top-1 per domain, or null when stopped. */
    private static Map<String, Double> runCell(Path out, Settings settings, int stopAfter) throws IOException {
        if (Files.exists(out.resolve("eval.json"))) return Scores.readTop1(RunDir.open(out));
        RunFlags.Session session = Files.exists(out.resolve("config.json")) ? RunFlags.resume(RunDir.open(out)) : RunFlags.fresh(out, "cell", settings);
        FineTuning fineTuning = session.fineTuning();
        RunDir run = session.open();
        System.err.println("mdlora experiment: " + run.path());
        try (StopSignal stop = StopSignal.install()) {
            FineTuning.Outcome outcome = fineTuning.train(run, stopAfter, stop);
            if (outcome.result().stopped()) return null;
            return outcome.result().accuracy();
        }
    }

    /** Rows of mean +- std over seeds per domain and their mean, in percent. */
    private static Table table(Kind kind, List<Cell> cells, Map<Cell, List<Map<String, Double>>> results) {
        List<String> domains = List.copyOf(results.get(cells.getFirst()).getFirst().keySet());
        List<String> header = new ArrayList<>(kind == Kind.TABLE1 ? List.of("structure", "sc", "ds") : List.of(kind.toString()));
        header.addAll(domains);
        header.add("mean");
        Table t = new Table(header);
        for (Cell cell : cells) {
            List<String> row = new ArrayList<>(cell.labels());
            List<Map<String, Double>> runs = results.get(cell);
            for (String d : domains) row.add(meanStd(runs.stream().mapToDouble(r -> r.get(d)).toArray()));
            row.add(meanStd(runs.stream().mapToDouble(r -> r.values().stream().mapToDouble(Double::doubleValue).average().orElse(0)).toArray()));
            t.row(row);
        }
        return t;
    }

    /** "92.7 +- 1.3" in percent (sample standard deviation); only the mean for one seed. */
    static String meanStd(double[] fractions) {
        double mean = 0;
        for (double f : fractions) mean += f / fractions.length;
        if (fractions.length == 1) return String.format(Locale.ROOT, "%.1f", 100 * mean);
        double ss = 0;
        for (double f : fractions) ss += (f - mean) * (f - mean);
        return String.format(Locale.ROOT, "%.1f ± %.1f", 100 * mean, 100 * Math.sqrt(ss / (fractions.length - 1)));
    }

    private static void report(Path dir, Kind kind, Table table, List<Cell> cells, Map<Cell, List<Map<String, Double>>> results) throws IOException {
        var report = new HtmlReport("mdlora experiment " + kind);
        report.paragraph("Top-1 accuracy (%) on the synthetic domains' test clips, mean ± std over " + results.get(cells.getFirst()).size()
                + " seeds. Each cell's runs are the folders CELL-seedN beside this report.");
        report.table(table);
        if (kind == Kind.TABLE1) {
            Map<String, Map<String, Object>> analyses = new LinkedHashMap<>();
            for (Cell cell : cells) {
                if (!cell.name().startsWith("upper-heavy")) continue;
                Map<String, Object> a = RunDir.open(dir.resolve(cell.name() + "-seed0")).readJson("analysis.json");
                if (a != null) analyses.put(String.join(", ", "sc " + cell.labels().get(1), "ds " + cell.labels().get(2)), a);
            }
            if (!analyses.isEmpty()) AnalysisReport.curves(report, analyses);
        } else {
            var plot = new LinePlot("Accuracy against " + kind, kind.toString(), "top-1 accuracy").yRange(0, 1);
            List<String> domains = List.copyOf(results.get(cells.getFirst()).getFirst().keySet());
            double[] x = cells.stream().mapToDouble(c -> Double.parseDouble(c.labels().getFirst())).toArray();
            for (String d : domains)
                plot.add(d, x, cells.stream().mapToDouble(c -> results.get(c).stream().mapToDouble(r -> r.get(d)).average().orElse(0)).toArray());
            report.figure(kind.toString(), plot);
        }
        Map<String, Object> json = new LinkedHashMap<>();
        for (Cell cell : cells) json.put(cell.name(), results.get(cell));
        AtomicFile.writeString(dir.resolve("results.json"), Json.writePretty(json) + "\n");
        report.write(dir);
    }
}
