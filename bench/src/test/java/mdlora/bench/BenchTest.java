package mdlora.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BenchTest {
    /** A workload that measures nothing: two figures, one with a PyTorch twin. */
    private static final Workload FAKE = new Workload() {
        @Override
        public String id() {
            return "W0";
        }

        @Override
        public String description() {
            return "fake";
        }

        @Override
        public List<Figure> run() {
            return List.of(Figure.rate("W0_gflops", 150, "sgemm_gflops"), Figure.cost("W0_error", 1.5e-6, null));
        }
    };

    private static String print(boolean json, Map<String, Double> torch) {
        Map<Workload, List<Figure>> results = new LinkedHashMap<>();
        results.put(FAKE, FAKE.run());
        var bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        if (json) Report.json(out, results, torch);
        else Report.table(out, results, torch);
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void unknownWorkloadIsAUserError() {
        var e = assertThrows(Bench.UsageError.class, () -> Bench.run(new String[] {"W9"}));
        assertTrue(e.getMessage().contains("unknown workload 'W9'") && e.getMessage().contains("W1"), e.getMessage());
        e = assertThrows(Bench.UsageError.class, () -> Bench.run(new String[] {"--jsn"}));
        assertTrue(e.getMessage().contains("unknown option '--jsn'"), e.getMessage());
    }

    @Test
    void jsonHasEveryFigureAndPyTorchsUnderATorchPrefix() {
        assertEquals("{\n  \"W0_gflops\": 150,\n  \"W0_error\": 0.0000015,\n  \"torch_W0_gflops\": 120\n}\n",
                print(true, Map.of("sgemm_gflops", 120.0)));
        assertEquals("{\n  \"W0_gflops\": 150,\n  \"W0_error\": 0.0000015\n}\n", print(true, Map.of()));
    }

    @Test
    void tableShowsTheRatioOnlyWherePyTorchHasAFigure() {
        String table = print(false, Map.of("sgemm_gflops", 120.0));
        assertTrue(table.contains("1.25x"), table);
        assertTrue(table.lines().anyMatch(l -> l.startsWith("W0_error") && l.trim().endsWith("-")), table);
    }

    @Test
    void ratioFavoursMdloraWhenItIsBetter() {
        assertEquals(2.0, Figure.rate("x", 200, "t").ratioTo(100), 1e-12);
        assertEquals(2.0, Figure.cost("x", 50, "t").ratioTo(100), 1e-12);
    }

    @Test
    void roundsAreAUserErrorUnlessAPositiveWholeNumber() {
        for (String[] args : new String[][] {{"W1", "--rounds", "0"}, {"W1", "--rounds", "three"}, {"W1", "--rounds"}}) {
            var e = assertThrows(Bench.UsageError.class, () -> Bench.run(args));
            assertTrue(e.getMessage().startsWith("--rounds needs a positive whole number"), e.getMessage());
        }
    }

    /** Each side keeps its best of every round: the highest rate, the lowest cost, a number over NaN. */
    @Test
    void roundsKeepEachFiguresBest() {
        Workload w = FAKE;
        List<Map<Workload, List<Figure>>> rounds = List.of(
                Map.of(w, List.of(Figure.rate("W0_gflops", 120, "sgemm_gflops"), Figure.cost("W0_ms", Double.NaN, "sgemm_ms"))),
                Map.of(w, List.of(Figure.rate("W0_gflops", 150, "sgemm_gflops"), Figure.cost("W0_ms", 9, "sgemm_ms"))),
                Map.of(w, List.of(Figure.rate("W0_gflops", 130, "sgemm_gflops"), Figure.cost("W0_ms", 12, "sgemm_ms"))));
        List<Figure> best = Rounds.best(rounds).get(w);
        assertEquals(List.of(150.0, 9.0), best.stream().map(Figure::value).toList());
    }

    /**
     * PyTorch's best is judged by the figure it is compared with: the highest GFLOPS, the lowest time, and the lowest
     * time behind an MFU too (a higher-is-better figure whose PyTorch twin is a time); a figure nothing is compared
     * with keeps its first value.
     */
    @Test
    void roundsKeepPyTorchsBestAsItsComparisonJudgesIt() {
        List<Figure> figures = List.of(Figure.rate("W0_gflops", 1, "sgemm_gflops"), Figure.cost("W0_ms", 1, "step_ms"),
                new Figure("W0_mfu", 1, "folded_ms", ms -> 1000 / ms, true));
        List<Map<String, Double>> rounds = List.of(
                Map.of("sgemm_gflops", 120.0, "step_ms", 30.0, "folded_ms", 50.0, "params", 7.0),
                Map.of("sgemm_gflops", 140.0, "step_ms", 25.0, "folded_ms", 40.0, "params", 8.0),
                Map.of("sgemm_gflops", 130.0, "step_ms", 28.0, "folded_ms", 45.0, "params", 9.0));
        assertEquals(Map.of("sgemm_gflops", 140.0, "step_ms", 25.0, "folded_ms", 40.0, "params", 7.0),
                Rounds.bestReference(rounds, List.of(figures)));
    }

    @Test
    void parsesTheYardsticksOutput() {
        Map<String, Double> figures = TorchReference.parse("{\n \"sgemm_1024x1024x1024_gflops\": 141.2,\n \"svd_768x768_ms\": 9.4e1\n}");
        assertEquals(Map.of("sgemm_1024x1024x1024_gflops", 141.2, "svd_768x768_ms", 94.0), figures);
    }
}
