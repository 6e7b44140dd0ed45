package mdlora.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import mdlora.launcher.config.Config;
import mdlora.launcher.config.Knob;
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

/**
 * {@code mdlora experiment table1|rank|tau}: grids of fine-tuning runs on the synthetic domains (the
 * demo's settings plus any flags), each cell over several seeds, summarised as mean +- std per domain in
 * a Markdown table and a report. Every cell is an ordinary run folder; running the same command with the
 * same {@code --out} again reuses the cells that finished and resumes the others.
 */
public final class ExperimentCommand implements Command {
    static final RunOptions OPTIONS = new RunOptions("experiment", List.of("model", "data", "lora", "train"));

    /** One configuration of a grid: its name (its folders' prefix), the row labels it shows, and its settings. */
    record Cell(String name, List<String> labels, Config config) {}

    @Override
    public Set<String> options() {
        return OPTIONS.valued("seeds", "values");
    }

    @Override
    public String name() {
        return "experiment";
    }

    @Override
    public String summary() {
        return "paper 000 Table 1 grid (structure x sc x ds), rank and tau sweeps; mean +- std over seeds";
    }

    @Override
    public String usage() {
        return OPTIONS.usage("table1|rank|tau [--seeds N] [--values A,B,...] [options]", """
                table1: upper-heavy / all-flat x subspace constraints (sc) off/on x domain separation (ds) off/on, as paper
                        000's Table 1. rank: the LoRA rank r (shared and domain), --values 2,4,8,16 by default. tau: the
                        energy threshold of the subspace constraints, --values 0.8,0.9,0.95,0.99 by default.
                Each cell trains --seeds seeds (default 3) with the demo's settings changed by the flags below, and the
                experiment folder (--out, default runs/experiment-KIND-...) gets table.md, results.json and
                report.html (with the paper's Fig. 4 effective-dimension curves for table1). Rerun with the same --out to
                continue an interrupted experiment.""", DemoCommand.preset());
    }

    @Override
    public int run(String[] argv) throws IOException {
        Args args = OPTIONS.parseWithWords(argv, "seeds", "values");
        if (args.positional().size() != 1) throw new UserError("name one experiment: table1, rank or tau (mdlora experiment --help)");
        if (args.has("resume")) throw new UserError("to continue an experiment, run it again with the same --out");
        String kind = args.positional().getFirst();
        int seeds = args.getInt("seeds", 3);
        if (seeds < 1) throw new UserError("--seeds must be at least 1, got " + seeds);
        Config base = OPTIONS.resolve(args, DemoCommand.preset());
        List<Cell> cells = switch (kind) {
            case "table1" -> table1(base);
            case "rank" -> sweep(base, Knob.RANK_SHARED, values(args, "2,4,8,16"));
            case "tau" -> sweep(base, Knob.TAU, values(args, "0.8,0.9,0.95,0.99"));
            default -> throw new UserError("unknown experiment '" + kind + "' (table1, rank or tau)");
        };
        Path dir = RunDir.folder(args.has("out") ? Path.of(args.get("out", null)) : null, "experiment-" + kind);
        Map<Cell, List<Map<String, Double>>> results = new LinkedHashMap<>();
        for (Cell cell : cells) {
            List<Map<String, Double>> perSeed = new ArrayList<>();
            for (int seed = 0; seed < seeds; seed++) {
                Map<String, Double> accuracy = runCell(dir.resolve(cell.name() + "-seed" + seed), cell.config().with(Knob.SEED, seed), RunOptions.stopAfter(args));
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

    /** Paper 000 Table 1: both structures, each with sc and ds off and on. */
    static List<Cell> table1(Config base) {
        List<Cell> cells = new ArrayList<>();
        for (String structure : List.of("upper-heavy", "all-flat"))
            for (boolean sc : List.of(false, true))
                for (boolean ds : List.of(false, true))
                    cells.add(new Cell(structure + "-sc" + onOff(sc) + "-ds" + onOff(ds), List.of(structure, sc ? "yes" : "no", ds ? "yes" : "no"),
                            base.with(Knob.STRUCTURE, structure).with(Knob.SC, sc).with(Knob.DS, ds)));
        return cells;
    }

    private static String onOff(boolean on) {
        return on ? "-on" : "-off";
    }

    /** One cell per value of {@code knob} (for the rank, both kinds of LoRA take the value). */
    static List<Cell> sweep(Config base, Knob knob, List<String> values) {
        List<Cell> cells = new ArrayList<>();
        for (String v : values) {
            Config c = base.withFlagValues(knob, List.of(v));
            if (knob == Knob.RANK_SHARED) c = c.withFlagValues(Knob.RANK_DOMAIN, List.of(v));
            cells.add(new Cell(knob.flag() + "-" + v, List.of(v), c));
        }
        return cells;
    }

    private static List<String> values(Args args, String fallback) {
        return List.of(args.get("values", fallback).split("\\s*,\\s*"));
    }

    /** Trains one cell for one seed, or reuses it when it finished before; its final top-1 per domain, or null when stopped. */
    private static Map<String, Double> runCell(Path out, Config config, int stopAfter) throws IOException {
        if (Files.exists(out.resolve("eval.json"))) return Scores.readTop1(RunDir.open(out));
        RunOptions.Session session = Files.exists(out.resolve("config.json")) ? RunOptions.resume(RunDir.open(out)) : RunOptions.fresh(out, "cell", config);
        config = session.config();
        FineTuning fineTuning = FineTuning.prepare(config);
        RunDir run = session.open();
        System.err.println("mdlora experiment: " + run.path());
        try (StopSignal stop = StopSignal.install()) {
            FineTuning.Outcome outcome = fineTuning.train(run, stopAfter, stop);
            if (outcome.result().stopped()) return null;
            return outcome.result().accuracy();
        }
    }

    /** Rows of mean +- std over seeds per domain and their mean, in percent. */
    private static Table table(String kind, List<Cell> cells, Map<Cell, List<Map<String, Double>>> results) {
        List<String> domains = List.copyOf(results.get(cells.getFirst()).getFirst().keySet());
        List<String> header = new ArrayList<>(switch (kind) {
            case "table1" -> List.of("structure", "sc", "ds");
            case "rank" -> List.of("rank");
            default -> List.of("tau");
        });
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

    private static void report(Path dir, String kind, Table table, List<Cell> cells, Map<Cell, List<Map<String, Double>>> results) throws IOException {
        var report = new HtmlReport("mdlora experiment " + kind);
        report.paragraph("Top-1 accuracy (%) on the synthetic domains' test clips, mean ± std over " + results.get(cells.getFirst()).size()
                + " seeds. Each cell's runs are the folders CELL-seedN beside this report.");
        report.table(table);
        if (kind.equals("table1")) {
            Map<String, Map<String, Object>> analyses = new LinkedHashMap<>();
            for (Cell cell : cells) {
                if (!cell.name().startsWith("upper-heavy")) continue;
                Map<String, Object> a = RunDir.open(dir.resolve(cell.name() + "-seed0")).readJson("analysis.json");
                if (a != null) analyses.put(String.join(", ", "sc " + cell.labels().get(1), "ds " + cell.labels().get(2)), a);
            }
            if (!analyses.isEmpty()) AnalysisReport.curves(report, analyses);
        } else {
            var plot = new LinePlot("Accuracy against " + kind, kind, "top-1 accuracy").yRange(0, 1);
            List<String> domains = List.copyOf(results.get(cells.getFirst()).getFirst().keySet());
            double[] x = cells.stream().mapToDouble(c -> Double.parseDouble(c.labels().getFirst())).toArray();
            for (String d : domains)
                plot.add(d, x, cells.stream().mapToDouble(c -> results.get(c).stream().mapToDouble(r -> r.get(d)).average().orElse(0)).toArray());
            report.figure(kind, plot);
        }
        Map<String, Object> json = new LinkedHashMap<>();
        for (Cell cell : cells) json.put(cell.name(), results.get(cell));
        AtomicFile.writeString(dir.resolve("results.json"), Json.writePretty(json) + "\n");
        report.write(dir);
    }
}
