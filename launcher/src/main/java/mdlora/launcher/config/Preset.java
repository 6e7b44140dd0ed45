package mdlora.launcher.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import mdlora.tensor.io.Json;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A named set of settings shipped in the jar as a config file ({@code /mdlora/presets/NAME.json}). {@code --preset NAME}
 * lays one over the defaults; a {@code --config} file and the flags given override it, and a run's {@code config.json}
 * records the values it resolved to. The README lists each preset's values and where each comes from.
 */
public record Preset(String name, Map<String, Object> values) {
    /** The presets {@code --preset} offers: the three papers' recipes and the demo's. */
    public static final List<String> NAMES = List.of("paper", "mtlora", "moslora", "demo");
    private static final String RESOURCE_DIR = "/mdlora/presets/";

    /** The preset shipped as {@code NAME.json}: one of {@link #NAMES}, or {@code pretrain} (the shipped backbone's recipe). */
    public static Preset named(String name) {
        try (InputStream in = Preset.class.getResourceAsStream(RESOURCE_DIR + name + ".json")) {
            if (in == null) throw new ConfigException("unknown preset '" + name + "' (presets: " + String.join(", ", NAMES) + ")");
            return new Preset(name, Json.parseObject(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the shipped preset " + name + ": " + e.getMessage(), e);
        }
    }

    /** {@code settings} with this preset's values, except those whose flags are in {@code given}. */
    public Settings applyTo(Settings settings, Set<String> given) {
        return settings.withJson(values, given);
    }

    /** Parses {@code --preset NAME}; only {@link #NAMES} are offered. */
    public static final class Converter implements ITypeConverter<Preset> {
        @Override
        public Preset convert(String name) {
            if (!NAMES.contains(name))
                throw new TypeConversionException("unknown preset '" + name + "' (presets: " + String.join(", ", NAMES) + ")" + Suggest.nearest(name, NAMES, "; did you mean '%s'?"));
            return named(name);
        }
    }

    /** {@link #NAMES}, for help and shell completion. */
    public static final class Names implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return NAMES.iterator();
        }
    }
}
