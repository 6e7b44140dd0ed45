package mdlora.launcher.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mdlora.tensor.io.AtomicFile;

/**
 * A self-contained HTML page of headings, paragraphs, tables and plots. Each plot is written as its own
 * SVG file under {@code plots/} beside the page (so it can be opened, diffed and embedded on its own) and
 * referenced with an {@code <img>}; the page itself carries its styles inline.
 */
public final class HtmlReport {
    private static final String STYLE = """
            body { font-family: sans-serif; margin: 24px auto; max-width: 1180px; color: #222; }
            h1 { font-size: 22px; } h2 { font-size: 17px; margin-top: 28px; border-bottom: 1px solid #ddd; }
            table { border-collapse: collapse; margin: 8px 0; font-size: 13px; }
            th, td { border: 1px solid #ccc; padding: 3px 9px; text-align: right; }
            th:first-child, td:first-child { text-align: left; }
            th { background: #f3f3f3; }
            .figures { display: flex; flex-wrap: wrap; gap: 8px; }
            p.note { color: #555; font-size: 13px; }
            """;
    private static final int PLOT_W = 560, PLOT_H = 320, SMALL_W = 380, SMALL_H = 260;

    private final String title;
    private final StringBuilder body = new StringBuilder();
    private final Map<String, String> plots = new LinkedHashMap<>();

    public HtmlReport(String title) {
        this.title = title;
    }

    public HtmlReport heading(String text) {
        body.append("<h2>").append(Xml.escape(text)).append("</h2>\n");
        return this;
    }

    public HtmlReport paragraph(String text) {
        body.append("<p class=\"note\">").append(Xml.escape(text)).append("</p>\n");
        return this;
    }

    /** A table; the first column is left-aligned (labels), the rest right-aligned (numbers). */
    public HtmlReport table(Table table) {
        body.append("<table>\n<tr>");
        for (String h : table.header()) body.append("<th>").append(Xml.escape(h)).append("</th>");
        body.append("</tr>\n");
        for (List<String> row : table.rows()) {
            body.append("<tr>");
            for (String cell : row) body.append("<td>").append(Xml.escape(cell)).append("</td>");
            body.append("</tr>\n");
        }
        body.append("</table>\n");
        return this;
    }

    /** One full-width plot, saved as {@code plots/NAME.svg}. */
    public HtmlReport figure(String name, LinePlot plot) {
        return figures(Map.of(name, plot), PLOT_W, PLOT_H);
    }

    /** Small multiples side by side (e.g. one per layer and kind), each saved as {@code plots/NAME.svg}. */
    public HtmlReport smallMultiples(Map<String, LinePlot> byName) {
        return figures(byName, SMALL_W, SMALL_H);
    }

    private HtmlReport figures(Map<String, LinePlot> byName, int width, int height) {
        body.append("<div class=\"figures\">\n");
        byName.forEach((name, plot) -> {
            String file = "plots/" + name + ".svg";
            if (plots.put(file, plot.toSvg(width, height)) != null) throw new IllegalArgumentException("two plots named '" + name + "' in one report");
            body.append("<img src=\"").append(Xml.escape(file)).append("\" alt=\"").append(Xml.escape(name)).append("\">\n");
        });
        body.append("</div>\n");
        return this;
    }

    /** Writes {@code dir/report.html} and its plots, each file atomically; returns the page's path. */
    public Path write(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("plots"));
        for (var e : plots.entrySet()) AtomicFile.writeString(dir.resolve(e.getKey()), e.getValue());
        String html = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + Xml.escape(title) + "</title>\n<style>\n"
                + STYLE + "</style>\n</head>\n<body>\n<h1>" + Xml.escape(title) + "</h1>\n" + body + "</body>\n</html>\n";
        Path page = dir.resolve("report.html");
        AtomicFile.writeString(page, html);
        return page;
    }
}
