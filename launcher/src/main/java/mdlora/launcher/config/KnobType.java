package mdlora.launcher.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import mdlora.tensor.io.Json;

/** The value types of {@link Knob}s: how each is read from the command line and from JSON, and written back. */
public enum KnobType {
    INT, FLOAT, BOOL, STRING, STRINGS, DOMAINS;

    /** Parses one command-line value for {@code knob}. */
    Object parse(Knob knob, String text) {
        try {
            return switch (this) {
                case INT -> Integer.parseInt(text.strip());
                case FLOAT -> finite(knob, Double.parseDouble(text.strip()));
                case BOOL -> switch (text.strip().toLowerCase(Locale.ROOT)) {
                    case "true", "yes", "on", "1" -> true;
                    case "false", "no", "off", "0" -> false;
                    default -> throw new ConfigException(knob.flag() + " must be true or false, got '" + text + "'");
                };
                case STRING -> text;
                case STRINGS -> text.isBlank() ? List.of() : List.of(text.split("\\s*,\\s*"));
                case DOMAINS -> List.of(DomainSpec.parse(text));
            };
        } catch (NumberFormatException e) {
            throw new ConfigException("--" + knob.flag() + " must be " + (this == INT ? "an integer" : "a number") + ", got '" + text + "'");
        }
    }

    /** Checks and normalises a value read from a config file (JSON numbers arrive as Long or Double). */
    Object fromJson(Knob knob, Object value) {
        return switch (this) {
            case INT -> {
                if (value instanceof Long l && l == l.intValue()) yield l.intValue();
                throw wrongType(knob, "an integer", value);
            }
            case FLOAT -> {
                if (value instanceof Number n) yield finite(knob, n.doubleValue());
                throw wrongType(knob, "a number", value);
            }
            case BOOL -> {
                if (value instanceof Boolean b) yield b;
                throw wrongType(knob, "true or false", value);
            }
            case STRING -> {
                if (value instanceof String s) yield s;
                throw wrongType(knob, "a string", value);
            }
            case STRINGS -> {
                if (!(value instanceof List<?> list)) throw wrongType(knob, "an array of strings", value);
                List<String> out = new ArrayList<>();
                for (Object o : list) {
                    if (!(o instanceof String s)) throw wrongType(knob, "an array of strings", value);
                    out.add(s);
                }
                yield List.copyOf(out);
            }
            case DOMAINS -> {
                if (!(value instanceof List<?> list)) throw wrongType(knob, "an array of {name, layout, path} objects", value);
                yield list.stream().map(DomainSpec::fromJson).toList();
            }
        };
    }

    /** The JSON form of a value of this type. */
    Object toJson(Object value) {
        if (this == DOMAINS) return ((List<?>) value).stream().map(d -> ((DomainSpec) d).toJson()).toList();
        return value;
    }

    private static double finite(Knob knob, double v) {
        if (!Double.isFinite(v)) throw new ConfigException(knob.key() + " must be a finite number, got " + v);
        return v;
    }

    private static ConfigException wrongType(Knob knob, String expected, Object value) {
        return new ConfigException(knob.key() + " must be " + expected + ", got " + Json.typeName(value) + " " + Json.write(value));
    }
}
