package mdlora.launcher.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mdlora.tensor.io.Json;
import mdlora.tensor.io.JsonException;

/**
 * The settings of a run: a value for every {@link Knob}, layered as defaults, then a JSON config file
 * (any subset of the knobs, nested by section), then command-line overrides. Immutable: each layer
 * makes a new config. Every value is checked when it is set, so a config that exists is a valid one.
 */
public final class Config {
    private final EnumMap<Knob, Object> values;

    private Config(EnumMap<Knob, Object> values) {
        this.values = values;
    }

    /** Every knob at its default. */
    public static Config defaults() {
        EnumMap<Knob, Object> values = new EnumMap<>(Knob.class);
        for (Knob k : Knob.values()) values.put(k, k.defaultValue());
        return new Config(values);
    }

    /** This config with the knobs set in a JSON file; unknown keys and wrong types are errors naming the key. */
    public Config withFile(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException("config file not found: " + file);
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
        }
        try {
            return withJson(Json.parseObject(text));
        } catch (JsonException e) {
            throw new ConfigException(file + ": " + e.getMessage());
        } catch (ConfigException e) {
            throw new ConfigException(file + ": " + e.getMessage());
        }
    }

    /** This config with the knobs set in a nested JSON object ({@code {"lora": {"tau": 0.9}}}). */
    public Config withJson(Map<String, Object> nested) {
        Config c = this;
        for (var section : nested.entrySet()) {
            if (!(section.getValue() instanceof Map<?, ?> members))
                throw new ConfigException("'" + section.getKey() + "' must be an object of settings (sections: " + sections() + ")");
            for (var member : members.entrySet()) {
                String key = section.getKey() + "." + member.getKey();
                Knob knob = Knob.byKey(key);
                if (knob == null) throw unknownKey(key);
                c = c.with(knob, knob.type().fromJson(knob, member.getValue()));
            }
        }
        return c;
    }

    /**
     * This config with a command-line value for {@code knob}. A repeated {@code --domain} adds a domain,
     * so the first one given replaces the configured list and the rest extend it.
     */
    public Config withFlagValues(Knob knob, List<String> texts) {
        Object value;
        if (knob.type() == KnobType.DOMAINS) {
            List<DomainSpec> domains = new ArrayList<>();
            for (String t : texts) domains.addAll(domainList(knob.type().parse(knob, t)));
            value = List.copyOf(domains);
        } else {
            value = knob.type().parse(knob, texts.getLast());
        }
        return with(knob, value);
    }

    /** This config with {@code knob} set to {@code value} (already of the knob's type), validated. */
    public Config with(Knob knob, Object value) {
        check(knob, value);
        EnumMap<Knob, Object> copy = new EnumMap<>(values);
        copy.put(knob, value);
        return new Config(copy);
    }

    private static void check(Knob knob, Object value) {
        if (!knob.choices().isEmpty() && !knob.choices().contains((String) value))
            throw new ConfigException(knob.key() + " must be one of " + String.join(", ", knob.choices()) + ", got '" + value + "'");
        if (!(value instanceof Number n)) return;
        double v = n.doubleValue();
        switch (knob) {
            case FRAMES, IMAGE_SIZE, RANK_SHARED, RANK_DOMAIN, BATCH, CHECKPOINT_EVERY, WORKERS, WIDTH, DEPTH, MLP_DIM, PATCH -> {
                if (v <= 0) throw new ConfigException(knob.key() + " must be positive, got " + value);
            }
            case TAU -> {
                if (v <= 0 || v > 1) throw new ConfigException(knob.key() + " must be in (0, 1], got " + value);
            }
            case DROPOUT, LABEL_SMOOTHING -> {
                if (v < 0 || v >= 1) throw new ConfigException(knob.key() + " must be in [0, 1), got " + value);
            }
            default -> {
                if (v < 0) throw new ConfigException(knob.key() + " must not be negative, got " + value);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static List<DomainSpec> domainList(Object value) {
        return (List<DomainSpec>) value;
    }

    private static ConfigException unknownKey(String key) {
        List<String> keys = Arrays.stream(Knob.values()).map(Knob::key).toList();
        return new ConfigException("unknown config key '" + key + "'" + Suggest.nearest(key, keys, " (did you mean '%s'?)"));
    }

    private static String sections() {
        return String.join(", ", Arrays.stream(Knob.values()).map(Knob::section).distinct().toList());
    }

    // ---------------------------------------------------------------- typed access

    /** The value of {@code knob}, of the Java type its {@link KnobType} reads to. */
    public Object value(Knob knob) {
        return values.get(knob);
    }

    public int integer(Knob knob) {
        return (Integer) typed(knob, KnobType.INT);
    }

    public double number(Knob knob) {
        return (Double) typed(knob, KnobType.FLOAT);
    }

    public boolean bool(Knob knob) {
        return (Boolean) typed(knob, KnobType.BOOL);
    }

    public String string(Knob knob) {
        return (String) typed(knob, KnobType.STRING);
    }

    @SuppressWarnings("unchecked")
    public List<String> strings(Knob knob) {
        return (List<String>) typed(knob, KnobType.STRINGS);
    }

    public List<DomainSpec> domains() {
        return domainList(typed(Knob.DOMAINS, KnobType.DOMAINS));
    }

    /** The domain called {@code name}; an error listing the run's domains when there is none. */
    public DomainSpec domain(String name) {
        for (DomainSpec d : domains()) if (d.name().equals(name)) return d;
        throw new ConfigException("unknown domain '" + name + "' (this run's domains: " + String.join(", ", domains().stream().map(DomainSpec::name).toList()) + ")");
    }

    private Object typed(Knob knob, KnobType type) {
        if (knob.type() != type) throw new IllegalArgumentException(knob + " is a " + knob.type() + " knob, read as " + type);
        return values.get(knob);
    }

    /** The full config as nested JSON values, the form of a run's {@code config.json}. */
    public Map<String, Object> toJson() {
        Map<String, Object> nested = new LinkedHashMap<>();
        for (Knob k : Knob.values()) {
            String section = k.section(), name = k.key().substring(section.length() + 1);
            @SuppressWarnings("unchecked")
            Map<String, Object> members = (Map<String, Object>) nested.computeIfAbsent(section, s -> new LinkedHashMap<String, Object>());
            members.put(name, k.type().toJson(values.get(k)));
        }
        return nested;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Config c && c.values.equals(values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }
}
