package mdlora.tensor.io;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON (RFC 8259) to and from plain Java values, the one JSON implementation of the project.
 *
 * <p>Values map as: object = {@code LinkedHashMap<String, Object>} (members in text order), array =
 * {@code List<Object>}, number = {@code Long} when written without fraction or exponent and within
 * range, else {@code Double}; string = {@code String}; true/false = {@code Boolean}; null = {@code null}.
 *
 * <p>The parser is strict: no comments, trailing commas, leading zeros, NaN or Infinity, unescaped
 * control characters, lone surrogate escapes or duplicate keys; nesting deeper than {@link #MAX_DEPTH}
 * is refused so hostile input cannot exhaust the stack. Every error is a {@link JsonException}
 * naming the line, the column and what was expected.
 */
public final class Json {
    /** Deepest nesting of objects and arrays the parser accepts. */
    public static final int MAX_DEPTH = 512;

    private Json() {}

    /**
     * Parses one JSON value; surrounding whitespace is allowed, anything else after it is not.
     *
     * @param text the JSON text
     * @return a Map, List, String, Long or Double, Boolean, or null (see above)
     */
    public static Object parse(String text) {
        var parser = new Parser(text);
        parser.skipWhitespace();
        Object value = parser.value(0);
        parser.skipWhitespace();
        if (parser.pos < text.length()) throw parser.error("end of input after the top-level value");
        return value;
    }

    /**
     * Parses text whose top-level value must be an object, as every configuration file is.
     *
     * @param text the JSON text
     * @return the top-level object, keys in file order
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parseObject(String text) {
        Object value = parse(text);
        if (!(value instanceof Map)) throw new JsonException("JSON: expected an object at top level, found " + typeName(value), 0);
        return (Map<String, Object>) value;
    }

    /**
     * Compact JSON for a value built of maps with string keys, collections, strings, numbers,
     * booleans and nulls. Non-finite numbers have no JSON form and are refused.
     *
     * @param value the tree to write
     * @return JSON text on one line
     */
    public static String write(Object value) {
        var out = new StringBuilder();
        new Writer(out, false).value(value, 0);
        return out.toString();
    }

    /**
     * Indented JSON (two spaces a level) for people to read; arrays holding no object or array stay
     * on one line, so shapes and number lists do not run down the page.
     *
     * @param value the tree to write
     * @return indented JSON text
     */
    public static String writePretty(Object value) {
        var out = new StringBuilder();
        new Writer(out, true).value(value, 0);
        return out.toString();
    }

    /**
     * "an object", "an array", "a string", ... for error messages about parsed values.
     *
     * @param value a parsed JSON value, or null
     * @return the value's kind with its article
     */
    public static String typeName(Object value) {
        return switch (value) {
            case null -> "null";
            case Map<?, ?> _ -> "an object";
            case List<?> _ -> "an array";
            case String _ -> "a string";
            case Long _ -> "an integer";
            case Number _ -> "a number";
            case Boolean _ -> "a boolean";
            default -> value.getClass().getSimpleName();
        };
    }

    /** Recursive descent over the text; {@code pos} is the next character to read. */
    private static final class Parser {
        private final String text;
        private int pos;

        Parser(String text) {
            this.text = text;
        }

        Object value(int depth) {
            if (pos >= text.length()) throw error("a value");
            char c = text.charAt(pos);
            return switch (c) {
                case '{' -> object(depth + 1);
                case '[' -> array(depth + 1);
                case '"' -> string();
                case 't' -> literal("true", Boolean.TRUE);
                case 'f' -> literal("false", Boolean.FALSE);
                case 'n' -> literal("null", null);
                default -> {
                    if (c == '-' || (c >= '0' && c <= '9')) yield number();
                    throw error("a value (object, array, string, number, true, false or null)");
                }
            };
        }

        private Map<String, Object> object(int depth) {
            checkDepth(depth);
            pos++;
            var map = new LinkedHashMap<String, Object>();
            skipWhitespace();
            if (peek() == '}') {
                pos++;
                return map;
            }
            while (true) {
                if (peek() != '"') throw error(map.isEmpty() ? "a string key or '}'" : "a string key after ','");
                int keyStart = pos;
                String key = string();
                skipWhitespace();
                expect(':', "':' after the object key");
                skipWhitespace();
                if (map.containsKey(key)) {
                    pos = keyStart;
                    throw error("a key not seen before in this object, found duplicate key \"" + key + "\"", false);
                }
                map.put(key, value(depth));
                skipWhitespace();
                if (peek() == '}') {
                    pos++;
                    return map;
                }
                expect(',', "',' or '}' after an object member");
                skipWhitespace();
            }
        }

        private List<Object> array(int depth) {
            checkDepth(depth);
            pos++;
            var list = new ArrayList<>();
            skipWhitespace();
            if (peek() == ']') {
                pos++;
                return list;
            }
            while (true) {
                list.add(value(depth));
                skipWhitespace();
                if (peek() == ']') {
                    pos++;
                    return list;
                }
                expect(',', "',' or ']' after an array element");
                skipWhitespace();
            }
        }

        private void checkDepth(int depth) {
            if (depth > MAX_DEPTH) throw error("at most " + MAX_DEPTH + " levels of nesting", false);
        }

        private Object literal(String word, Object value) {
            if (!text.startsWith(word, pos)) throw error("a value (object, array, string, number, true, false or null)");
            pos += word.length();
            return value;
        }

        private Object number() {
            int start = pos;
            if (peek() == '-') pos++;
            if (peek() == '0') pos++;
            else digits("a digit");
            boolean integral = true;
            if (peek() == '.') {
                pos++;
                digits("a digit after the decimal point");
                integral = false;
            }
            if (peek() == 'e' || peek() == 'E') {
                pos++;
                if (peek() == '+' || peek() == '-') pos++;
                digits("a digit in the exponent");
                integral = false;
            }
            if (integral) {
                try {
                    return Long.parseLong(text, start, pos, 10);
                } catch (NumberFormatException beyondLong) {
                    // an integer outside the long range is still a JSON number: read it as a double
                }
            }
            double d = Double.parseDouble(text.substring(start, pos));
            if (Double.isInfinite(d)) {
                pos = start;
                throw error("a number within the range of a double", false);
            }
            return d;
        }

        private void digits(String expected) {
            int start = pos;
            while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') pos++;
            if (pos == start) throw error(expected);
        }

        private String string() {
            int start = ++pos;
            // Fast path: most strings have no escapes and can be cut out of the text in one piece.
            while (pos < text.length()) {
                char c = text.charAt(pos);
                if (c == '"') return text.substring(start, pos++);
                if (c == '\\' || c < 0x20) break;
                pos++;
            }
            var sb = new StringBuilder(pos - start + 16).append(text, start, pos);
            while (true) {
                if (pos >= text.length()) throw error("'\"' to close the string");
                char c = text.charAt(pos);
                if (c == '"') {
                    pos++;
                    return sb.toString();
                }
                if (c < 0x20) throw error(String.format("an escape for control character U+%04X in the string", (int) c), false);
                if (c != '\\') {
                    sb.append(c);
                    pos++;
                    continue;
                }
                pos++;
                char e = pos < text.length() ? text.charAt(pos) : 0;
                pos++;
                switch (e) {
                    case '"', '\\', '/' -> sb.append(e);
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'n' -> sb.append('\n');
                    case 'r' -> sb.append('\r');
                    case 't' -> sb.append('\t');
                    case 'u' -> unicodeEscape(sb);
                    default -> {
                        pos -= 2;
                        throw error("an escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)", false);
                    }
                }
            }
        }

        /** After "\\u": one code unit, or a surrogate pair written as two escapes; lone halves are refused. */
        private void unicodeEscape(StringBuilder sb) {
            int escapeStart = pos - 2;
            char c = (char) hex4();
            if (Character.isHighSurrogate(c)) {
                if (!text.startsWith("\\u", pos)) {
                    pos = escapeStart;
                    throw error("a low surrogate escape to follow the high surrogate \\u" + hex(c), false);
                }
                pos += 2;
                char low = (char) hex4();
                if (!Character.isLowSurrogate(low)) {
                    pos = escapeStart;
                    throw error("a low surrogate escape to follow the high surrogate \\u" + hex(c), false);
                }
                sb.append(c).append(low);
            } else if (Character.isLowSurrogate(c)) {
                pos = escapeStart;
                throw error("a high surrogate before the low surrogate \\u" + hex(c), false);
            } else {
                sb.append(c);
            }
        }

        private int hex4() {
            int v = 0;
            for (int i = 0; i < 4; i++) {
                int d = pos < text.length() ? Character.digit(text.charAt(pos), 16) : -1;
                if (d < 0) throw error("four hex digits after \\u");
                v = v << 4 | d;
                pos++;
            }
            return v;
        }

        private static String hex(char c) {
            return String.format("%04X", (int) c);
        }

        private char peek() {
            return pos < text.length() ? text.charAt(pos) : 0;
        }

        private void expect(char c, String expected) {
            if (peek() != c) throw error(expected);
            pos++;
        }

        void skipWhitespace() {
            while (pos < text.length()) {
                char c = text.charAt(pos);
                if (c != ' ' && c != '\n' && c != '\r' && c != '\t') return;
                pos++;
            }
        }

        JsonException error(String expected) {
            return error(expected, true);
        }

        /** "JSON error at line L, column C: expected X[, found Y]" with L and C counted from 1. */
        JsonException error(String expected, boolean sayFound) {
            int line = 1, lineStart = 0;
            for (int i = 0; i < Math.min(pos, text.length()); i++) {
                if (text.charAt(i) == '\n') {
                    line++;
                    lineStart = i + 1;
                }
            }
            String found = !sayFound ? "" : pos >= text.length() ? ", found end of input"
                    : ", found " + describe(text.charAt(pos));
            return new JsonException("JSON error at line " + line + ", column " + (pos - lineStart + 1)
                    + ": expected " + expected + found, pos);
        }

        private static String describe(char c) {
            return c < 0x20 || c > 0x7e ? String.format("U+%04X", (int) c) : "'" + c + "'";
        }
    }

    /** Appends values to {@code out}; pretty mode indents nested objects and arrays. */
    private record Writer(StringBuilder out, boolean pretty) {
        void value(Object v, int indent) {
            switch (v) {
                case null -> out.append("null");
                case String s -> string(s);
                case Boolean b -> out.append(b);
                case Double d -> finite(d, d.isNaN() || d.isInfinite());
                case Float f -> finite(f, f.isNaN() || f.isInfinite());
                case Long l -> out.append(l);
                case Integer i -> out.append(i);
                case Short s -> out.append(s);
                case Byte b -> out.append(b);
                case Map<?, ?> m -> object(m, indent);
                case Collection<?> c -> array(c, indent);
                default -> throw new IllegalArgumentException("cannot write a " + v.getClass().getName() + " as JSON");
            }
        }

        private void finite(Number n, boolean nonFinite) {
            if (nonFinite) throw new IllegalArgumentException("cannot write " + n + " as JSON: JSON numbers are finite");
            out.append(n);
        }

        private void object(Map<?, ?> map, int indent) {
            if (map.isEmpty()) {
                out.append("{}");
                return;
            }
            out.append('{');
            boolean first = true;
            for (var e : map.entrySet()) {
                if (!(e.getKey() instanceof String key))
                    throw new IllegalArgumentException("JSON object keys must be strings, got " + typeName(e.getKey()) + " " + e.getKey());
                if (!first) out.append(',');
                first = false;
                newline(indent + 1);
                string(key);
                out.append(pretty ? ": " : ":");
                value(e.getValue(), indent + 1);
            }
            newline(indent);
            out.append('}');
        }

        private void array(Collection<?> items, int indent) {
            boolean multiline = pretty && items.stream().anyMatch(x -> x instanceof Map<?, ?> || x instanceof Collection<?>);
            out.append('[');
            boolean first = true;
            for (Object x : items) {
                if (!first) out.append(pretty && !multiline ? ", " : ",");
                first = false;
                if (multiline) newline(indent + 1);
                value(x, indent + 1);
            }
            if (multiline) newline(indent);
            out.append(']');
        }

        private void newline(int indent) {
            if (pretty) out.append('\n').repeat("  ", indent);
        }

        private void string(String s) {
            out.append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '"' -> out.append("\\\"");
                    case '\\' -> out.append("\\\\");
                    case '\n' -> out.append("\\n");
                    case '\r' -> out.append("\\r");
                    case '\t' -> out.append("\\t");
                    case '\b' -> out.append("\\b");
                    case '\f' -> out.append("\\f");
                    default -> {
                        if (c < 0x20) {
                            out.append(String.format("\\u%04x", (int) c));
                        } else if (Character.isSurrogate(c)) {
                            // A lone half has no UTF-8 encoding; writing it would corrupt the file.
                            if (!Character.isHighSurrogate(c) || i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1)))
                                throw new IllegalArgumentException("string has a lone surrogate U+" + String.format("%04X", (int) c) + " at index " + i);
                            out.append(c).append(s.charAt(++i));
                        } else {
                            out.append(c);
                        }
                    }
                }
            }
            out.append('"');
        }
    }
}
