package mdlora.launcher.report;

/** Escaping of text for SVG and HTML. */
public final class Xml {
    private Xml() {}

    /** {@code s} with the five XML special characters escaped, safe in element text and quoted attributes. */
    public static String escape(String s) {
        var out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
