package mdlora.launcher;

import static mdlora.launcher.Launcher.line;
import static mdlora.launcher.Launcher.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;

/**
 * The demo and the experiments on a tiny configuration, and the reports they write: every plot a
 * report.html references exists and is a valid SVG document.
 */
class ReportTest extends TinyWorkspace {
    private static final Pattern IMAGE = Pattern.compile("<img src=\"([^\"]+)\"");


    @Test
    void demoComparesLoraWithHeadOnlyOnEveryDomain() throws Exception {
        Path demo = dir.resolve("demo");
        String out = ok(line("demo", Launcher.tinyTraining(data, backbone), "--cache", dir.resolve("frames").toString(), "--out", demo.toString())).out();
        for (String d : List.of("studio", "street", "forest", "mean")) assertTrue(out.contains(d), out);
        assertTrue(out.contains("head-only") && out.contains("LoRA (upper-heavy, sc, ds)") && out.contains("gain"), out);
        assertTrue(Files.list(dir.resolve("frames")).findAny().isPresent(), "the decode phase fills the frame cache");
        for (Path report : List.of(demo.resolve("report.html"), demo.resolve("lora/report.html"), demo.resolve("head-only/report.html")))
            assertEveryPlotIsValidSvg(report);
        String lora = Files.readString(demo.resolve("lora/report.html"));
        assertTrue(lora.contains("Effective dimensions"), "the demo analyses its LoRA run");
        for (String part : List.of("cross-entropy", "lambda1 L_orth", "lambda2 L_ss")) assertTrue(lora.contains(part), "the report shows " + part + " apart");
    }

    @Test
    void sweepTablesHoldMeanAndStdOverSeeds() throws Exception {
        Path sweep = dir.resolve("tau");
        ok(line("experiment", Launcher.tinyTraining(data, backbone, "--steps", "2", "--eval-every", "0"), "tau", "--values", "0.9,0.99",
                "--seeds", "2", "--out", sweep.toString()));
        List<String> table = Files.readAllLines(sweep.resolve("table.md"));
        assertEquals("| tau | studio | street | forest | mean |", table.getFirst());
        assertEquals(2 + 2, table.size());
        assertTrue(table.get(2).startsWith("| 0.9 | ") && table.get(2).contains(" ± "), table.get(2));
        assertEveryPlotIsValidSvg(sweep.resolve("report.html"));
        assertTrue(Files.exists(sweep.resolve("tau-0.99-seed1/eval.json")));
    }

    @Test
    void table1HasTheEightCellsOfThePaper() {
        var cells = ExperimentCommand.table1(new mdlora.launcher.config.Settings());
        assertEquals(8, cells.size());
        assertEquals(List.of("upper-heavy", "no", "no"), cells.getFirst().labels());
        assertEquals(List.of("all-flat", "yes", "yes"), cells.getLast().labels());
        assertEquals("all-flat-sc-on-ds-on", cells.getLast().name());
    }

    static void assertEveryPlotIsValidSvg(Path report) throws Exception {
        String html = Files.readString(report);
        List<String> plots = new ArrayList<>();
        Matcher m = IMAGE.matcher(html);
        while (m.find()) plots.add(m.group(1));
        assertFalse(plots.isEmpty(), report + " has no plots");
        var factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        for (String plot : plots) {
            assertTrue(plot.endsWith(".svg"), plot);
            Path file = report.resolveSibling(plot);
            assertTrue(Files.isRegularFile(file), report + " references missing " + plot);
            var root = factory.newDocumentBuilder().parse(file.toFile()).getDocumentElement();
            assertEquals("svg", root.getLocalName(), plot);
            assertEquals("http://www.w3.org/2000/svg", root.getNamespaceURI(), plot);
        }
    }
}
