package mdlora.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import mdlora.launcher.config.Config;
import mdlora.launcher.config.Knob;
import mdlora.launcher.config.KnobType;
import mdlora.launcher.run.RunDir;
import mdlora.tensor.Parallel;

/**
 * The options shared by every command that makes a run: {@code --config FILE}, a flag per knob of the
 * sections the command uses, {@code --out RUN_DIR}, {@code --resume RUN_DIR} and {@code --stop-after N};
 * and how they turn into a run folder and its resolved config.
 */
final class RunOptions {
    static final Set<String> RUN_FLAGS = Set.of("config", "out", "resume", "stop-after");

    private final String command;
    private final List<Knob> knobs;

    /** Options for {@code command}, whose knobs are those of {@code sections} and the {@code extra} ones. */
    RunOptions(String command, List<String> sections, Knob... extra) {
        this.command = command;
        List<Knob> extras = List.of(extra);
        this.knobs = Arrays.stream(Knob.values()).filter(k -> sections.contains(k.section()) || extras.contains(k)).toList();
    }

    List<Knob> knobs() {
        return knobs;
    }

    /** Every option that takes a value: the run options and a flag per knob. */
    Set<String> valued(String... more) {
        Set<String> names = new HashSet<>(RUN_FLAGS);
        for (Knob k : knobs()) names.add(k.flag());
        names.addAll(List.of(more));
        return names;
    }

    /** Parses a command line of options only: a positional word is refused. */
    Args parse(String[] argv) {
        return parseWithWords(argv).withoutPositionals();
    }

    /** Parses a command line of options and positional words (the command checks the words); --stop-after is checked here, before any run starts. */
    Args parseWithWords(String[] argv, String... moreValued) {
        Args args = Args.parse(command, argv, valued(moreValued), Set.of());
        stopAfter(args);
        return args;
    }

    /** {@code --stop-after N}: stop after N steps as Ctrl-C would; 0 (the default) runs to the end. */
    static int stopAfter(Args args) {
        return args.getCount("stop-after", 0);
    }

    /** {@code preset}, then the {@code --config} file, then each knob flag given. */
    Config resolve(Args args, Config preset) {
        Config config = args.has("config") ? preset.withFile(Path.of(args.get("config", null))) : preset;
        for (Knob k : knobs()) if (args.has(k.flag())) config = config.withFlagValues(k, args.all(k.flag()));
        return config;
    }

    /**
     * The run to work in: with {@code --resume} the existing one and its own config (settings cannot
     * change mid-run, so knob flags are refused); else the resolved config, the thread count made
     * explicit, for a new folder ({@code --out}, or a fresh one under {@code runs/}) that
     * {@link Session#open} makes once the config has proved usable. Either way the kernels run on the
     * config's thread count from here on.
     */
    Session session(Args args, Config preset) {
        if (args.has("resume")) {
            for (String name : args.options().keySet())
                if (!name.equals("resume") && !name.equals("stop-after"))
                    throw new UserError("--resume continues a run with the settings it started with; drop --" + name);
            return resume(RunDir.open(Path.of(args.get("resume", null))));
        }
        return fresh(args.has("out") ? Path.of(args.get("out", null)) : null, command, resolve(args, preset));
    }

    /** A session that continues {@code run} with its own config. */
    static Session resume(RunDir run) {
        Config config = run.readConfig();
        Parallel.setThreads(config.integer(Knob.THREADS));
        return new Session(config, run, null, null);
    }

    /** A session for a new run of {@code config} in {@code out} (null: a fresh folder under runs/ named after {@code name}). */
    static Session fresh(Path out, String name, Config config) {
        if (out != null && Files.exists(out.resolve("config.json")))
            throw new UserError(out + " already holds a run (continue it with --resume " + out + ", or choose another --out)");
        if (config.integer(Knob.THREADS) == 0) config = config.with(Knob.THREADS, Parallel.threads());
        Parallel.setThreads(config.integer(Knob.THREADS));
        return new Session(config, null, out, name);
    }

    /** A run's config and where it lives: an existing run folder, or the folder a new run will get. */
    record Session(Config config, RunDir resumed, Path out, String name) {
        /** The run folder: the resumed one, or a new one with the config written into it. */
        RunDir open() throws IOException {
            if (resumed != null) return resumed;
            RunDir run = RunDir.create(out, name);
            run.writeConfig(config);
            return run;
        }
    }

    /** The usage text of the run options and every knob, with its value in {@code preset} as the default. */
    String usage(String synopsis, String description, Config preset) {
        var sb = new StringBuilder("usage: mdlora ").append(command).append(' ').append(synopsis).append("\n\n").append(description).append("\n\n");
        sb.append("""
                run options:
                  --config FILE       settings from a JSON file ({"section": {"key": value}}); flags override it
                  --out RUN_DIR       where the run goes (default: a fresh folder under runs/)
                  --resume RUN_DIR    continue a stopped run from its checkpoint, with its own settings
                  --stop-after N      stop after N steps as Ctrl-C would (checkpoint saved; continue with --resume)
                """);
        String section = "";
        for (Knob k : knobs()) {
            if (!k.section().equals(section)) {
                section = k.section();
                sb.append('\n').append(section).append(" (config key ").append(section).append(".NAME):\n");
            }
            String value = switch (k.type()) {
                case BOOL -> "true|false";
                case DOMAINS -> "NAME=LAYOUT:PATH";
                case STRINGS -> "A,B,...";
                default -> k.choices().isEmpty() ? k.type().name().toLowerCase(Locale.ROOT) : String.join("|", k.choices());
            };
            String flag = "--" + k.flag() + " " + value;
            sb.append(String.format(Locale.ROOT, "  %-34s %s (default %s)%n", flag, k.help(), defaultText(k, preset.value(k))));
        }
        return sb.toString();
    }

    private static String defaultText(Knob k, Object d) {
        if (k.type() == KnobType.STRINGS || k.type() == KnobType.DOMAINS) return ((List<?>) d).isEmpty() ? "none" : d.toString();
        return String.valueOf(d);
    }
}
