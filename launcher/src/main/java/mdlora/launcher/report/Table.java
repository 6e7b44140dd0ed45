package mdlora.launcher.report;

import java.util.ArrayList;
import java.util.List;

/**
 * A table of text cells with a header row, shown three ways: aligned plain text for the terminal,
 * Markdown for files people paste into notes, and HTML in the report (via {@link HtmlReport#table}).
 * The first column holds labels (left-aligned), the others numbers (right-aligned).
 */
public final class Table {
    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    public Table(List<String> header) {
        this.header = List.copyOf(header);
    }

    public Table(String... header) {
        this(List.of(header));
    }

    public Table row(List<String> cells) {
        if (cells.size() != header.size()) throw new IllegalArgumentException("row of " + cells.size() + " cells in a table of " + header.size() + " columns");
        rows.add(List.copyOf(cells));
        return this;
    }

    public Table row(String... cells) {
        return row(List.of(cells));
    }

    public List<String> header() {
        return header;
    }

    public List<List<String>> rows() {
        return rows;
    }

    /** Aligned columns separated by two spaces, a rule under the header. */
    public String toText() {
        int[] widths = widths();
        var out = new StringBuilder();
        appendText(out, header, widths);
        int total = 0;
        for (int w : widths) total += w;
        out.append("-".repeat(total + 2 * (widths.length - 1))).append('\n');
        for (List<String> r : rows) appendText(out, r, widths);
        return out.toString();
    }

    private static void appendText(StringBuilder out, List<String> cells, int[] widths) {
        for (int c = 0; c < cells.size(); c++) {
            String cell = cells.get(c);
            String pad = " ".repeat(widths[c] - cell.length());
            out.append(c == 0 ? cell + pad : pad + cell);
            if (c + 1 < cells.size()) out.append("  ");
        }
        out.append('\n');
    }

    /** A GitHub-flavoured Markdown table. */
    public String toMarkdown() {
        var out = new StringBuilder("| ").append(String.join(" | ", header)).append(" |\n|");
        for (int c = 0; c < header.size(); c++) out.append(c == 0 ? "---|" : "---:|");
        out.append('\n');
        for (List<String> r : rows) out.append("| ").append(String.join(" | ", r)).append(" |\n");
        return out.toString();
    }

    private int[] widths() {
        int[] w = new int[header.size()];
        for (int c = 0; c < w.length; c++) w[c] = header.get(c).length();
        for (List<String> r : rows) for (int c = 0; c < w.length; c++) w[c] = Math.max(w[c], r.get(c).length());
        return w;
    }
}
