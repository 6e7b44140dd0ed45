package mdlora.launcher.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.xml.sax.InputSource;

class LinePlotTest {
    static Document parse(String svg) throws Exception {
        var factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        return factory.newDocumentBuilder().parse(new InputSource(new StringReader(svg)));
    }

    @Test
    void svgHasAxesTicksLegendAndOneCurvePerSeries() throws Exception {
        var plot = new LinePlot("loss <train & eval>", "step", "loss")
                .add("train", new double[] {0, 10, 20}, new double[] {2.3, 1.1, 0.4})
                .add(new LinePlot.Series("eval", new double[] {20}, new double[] {0.7}, 1, LinePlot.Dash.DASHED));
        Document doc = parse(plot.toSvg(400, 300));
        assertEquals("svg", doc.getDocumentElement().getLocalName());
        assertEquals(1, doc.getElementsByTagName("polyline").getLength());
        assertEquals(1, doc.getElementsByTagName("circle").getLength(), "a one-point series is a dot");
        String text = doc.getDocumentElement().getTextContent();
        assertTrue(text.contains("loss <train & eval>") && text.contains("train") && text.contains("eval"), text);
    }

    @Test
    void ticksAreRoundNumbersCoveringTheData() {
        var axis = LinePlot.Axis.fit(new double[] {0.13, 0.92}, 5);
        assertEquals(0.2, axis.step(), 1e-12);
        assertEquals(0.0, axis.min(), 1e-12);
        assertEquals(1.0, axis.max(), 1e-12);
        assertEquals(List.of("0", "0.2", "0.4", "0.6", "0.8", "1.0"), axis.ticks().stream().map(axis::label).toList());
    }

    @Test
    void nonFiniteValuesAreGapsNotPoints() throws Exception {
        var plot = new LinePlot("t", "x", "y").add("s", new double[] {0, 1, 2}, new double[] {1, Double.NaN, 2});
        String points = parse(plot.toSvg(300, 200)).getElementsByTagName("polyline").item(0).getAttributes().getNamedItem("points").getNodeValue();
        assertEquals(2, points.split(" ").length);
    }
}
