package mdlora.launcher.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/**
 * One domain of a run: its name (how commands and reports refer to it), the dataset layout, and where
 * the data lives. On the command line {@code NAME=LAYOUT:PATH}; in the config file
 * {@code {"name": ..., "layout": ..., "path": ...}}.
 */
public record DomainSpec(String name, String layout, String path) {
    /** The dataset layouts the launcher can read. */
    public static final List<String> LAYOUTS = List.of("ucf101", "hmdb51", "kinetics", "list", "frames", "synthetic");

    public DomainSpec {
        if (name.isBlank() || !name.matches("[A-Za-z0-9_-]+"))
            throw new ConfigException("domain name '" + name + "' must be letters, digits, '_' or '-'");
        if (!LAYOUTS.contains(layout))
            throw new ConfigException("domain '" + name + "': unknown layout '" + layout + "' (one of " + String.join(", ", LAYOUTS) + ")");
        if (path.isBlank()) throw new ConfigException("domain '" + name + "': empty path");
    }

    /** Parses {@code NAME=LAYOUT:PATH}. */
    public static DomainSpec parse(String text) {
        int eq = text.indexOf('='), colon = text.indexOf(':', eq + 1);
        if (eq <= 0 || colon < 0) throw new ConfigException("domain '" + text + "' must be NAME=LAYOUT:PATH, e.g. ucf=ucf101:/data/UCF101");
        return new DomainSpec(text.substring(0, eq), text.substring(eq + 1, colon), text.substring(colon + 1));
    }

    /** Parses {@code --domain NAME=LAYOUT:PATH} for picocli, which reports a mistake as a malformed value. */
    public static final class Converter implements CommandLine.ITypeConverter<DomainSpec> {
        @Override
        public DomainSpec convert(String text) {
            try {
                return parse(text);
            } catch (ConfigException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** Reads the config-file form, an object with name, layout and path. */
    public static DomainSpec fromJson(Object value) {
        if (!(value instanceof Map<?, ?> m)) throw new ConfigException("each entry of data.domains must be an object {name, layout, path}");
        for (Object k : m.keySet())
            if (!List.of("name", "layout", "path").contains(k)) throw new ConfigException("data.domains: unknown field '" + k + "' (fields: name, layout, path)");
        return new DomainSpec(field(m, "name"), field(m, "layout"), field(m, "path"));
    }

    private static String field(Map<?, ?> m, String name) {
        if (!(m.get(name) instanceof String s)) throw new ConfigException("data.domains: each domain needs a string '" + name + "'");
        return s;
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("layout", layout);
        m.put("path", path);
        return m;
    }

    @Override
    public String toString() {
        return name + "=" + layout + ":" + path;
    }
}
