package mdlora.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import mdlora.launcher.config.DomainSpec;
import mdlora.launcher.config.Preset;
import mdlora.launcher.config.Settings;
import mdlora.launcher.run.RunDir;
import mdlora.launcher.train.FineTuning;
import mdlora.tensor.Parallel;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The options of every command that makes a run: {@code --config FILE}, {@code --out RUN_DIR},
 * {@code --resume RUN_DIR} and {@code --stop-after N} (a picocli mixin); and how they and the settings
 * flags turn into a run folder and its resolved settings.
 */
final class RunFlags {
    /** The settings a resume may change: a run that diverged continues from its last good checkpoint with a lower learning rate. */
    private static final List<String> RESUMABLE = List.of("--lr", "--schedule", "--warmup");

    @Option(names = "--preset", paramLabel = "NAME", converter = Preset.Converter.class, completionCandidates = Preset.Names.class,
            description = "start from a published recipe: ${COMPLETION-CANDIDATES} (README: Presets); --config and flags override it")
    Preset preset;
    @Option(names = "--config", paramLabel = "FILE", description = "settings from a JSON file ({\"section\": {\"key\": value}}); flags override it")
    Path config;
    @Option(names = "--out", paramLabel = "RUN_DIR", description = "where the run goes (default: a fresh folder under runs/)")
    Path out;
    @Option(names = "--resume", paramLabel = "RUN_DIR", description = "continue a stopped run from its checkpoint, with its own settings (only --lr, --schedule, --warmup may change)")
    Path resume;
    @Option(names = "--stop-after", paramLabel = "N", description = "stop after N steps as Ctrl-C would (checkpoint saved; continue with --resume); 0: run to the end")
    int stopAfter;

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    /** {@code --stop-after}, checked: 0 or more. */
    int stopAfter() {
        Settings.Range.NON_NEGATIVE.check("--stop-after", stopAfter);
        return stopAfter;
    }

    /** The flags given on the command line, by their longest names. */
    Set<String> given() {
        Set<String> names = new TreeSet<>();
        for (OptionSpec o : command.commandLine().getParseResult().matchedOptions()) names.add(o.longestName());
        return names;
    }

    /**
     * {@code settings} (the command's defaults, which picocli has already set the flags into) with the
     * {@code --preset}'s values, then the {@code --config} file's, for every flag not given; validated.
     */
    Settings resolve(Settings settings) {
        stopAfter();
        if (preset != null) preset.applyTo(settings, given());
        if (config != null) settings.withFile(config, given());
        return settings.validate();
    }

    /**
     * The run to work in: with {@code --resume} the existing one and its own settings (they cannot change
     * mid-run, so other flags are refused); else {@link #resolve} for a new folder ({@code --out}, or a
     * fresh one under {@code runs/}) that {@link Session#open} makes once the settings have proved usable.
     */
    Session session(Settings settings) {
        stopAfter();
        if (resume != null) {
            Map<String, Object> changes = new TreeMap<>();
            for (String name : given()) {
                if (name.equals("--resume") || name.equals("--stop-after")) continue;
                if (!RESUMABLE.contains(name))
                    throw new UserError("--resume continues a run with the settings it started with; only " + String.join(", ", RESUMABLE)
                            + " may change (to recover from a divergence); drop " + name);
                changes.put(name.substring(2), switch (name) {
                    case "--lr" -> settings.train.lr;
                    case "--warmup" -> settings.train.warmup;
                    default -> settings.train.schedule.toString();
                });
            }
            return resume(RunDir.open(resume), settings.train, changes);
        }
        return fresh(out, command.name(), resolve(settings));
    }

    /** A session that continues {@code run} with its own settings; the kernels run on its thread count. */
    static Session resume(RunDir run) {
        return resume(run, null, Map.of());
    }

    /** As {@link #resume(RunDir)}, with the learning-rate settings named in {@code changes} taken from {@code given}. */
    private static Session resume(RunDir run, Settings.Train given, Map<String, Object> changes) {
        Settings settings = run.readSettings();
        if (!changes.isEmpty()) {
            if (changes.containsKey("lr")) settings.train.lr = given.lr;
            if (changes.containsKey("warmup")) settings.train.warmup = given.warmup;
            if (changes.containsKey("schedule")) settings.train.schedule = given.schedule;
            settings.validate();
        }
        Parallel.setThreads(settings.train.threads);
        return new Session(settings, run, null, null, changes);
    }

    /**
     * A session for a new run of {@code settings} in {@code out} (null: a fresh folder under runs/ named
     * after {@code name}), the thread count made explicit so that a resume uses the same.
     */
    static Session fresh(Path out, String name, Settings settings) {
        if (out != null && Files.exists(out.resolve("config.json")))
            throw new UserError(out + " already holds a run (continue it with --resume " + out + ", or choose another --out)");
        if (settings.train.threads == 0) settings.train.threads = Parallel.threads();
        Parallel.setThreads(settings.train.threads);
        absolutePaths(settings);
        return new Session(settings, null, out, name, Map.of());
    }

    /** Makes the dataset, backbone and cache paths absolute, so that the run resumes and evaluates from any working folder. */
    private static void absolutePaths(Settings settings) {
        settings.data.domains = new ArrayList<>(settings.data.domains.stream()
                .map(d -> new DomainSpec(d.name(), d.layout(), absolute(d.path()))).toList());
        if (!settings.model.backbone.equals("builtin")) settings.model.backbone = absolute(settings.model.backbone);
        if (!settings.data.cache.isEmpty()) settings.data.cache = absolute(settings.data.cache);
    }

    private static String absolute(String path) {
        return Path.of(path).toAbsolutePath().normalize().toString();
    }

    /**
     * A run's settings and where it lives: an existing run folder, or the folder a new run will get; and
     * the learning-rate settings a resume changes (config key without section: value), which
     * {@link FineTuning} records once the checkpoint has loaded.
     */
    record Session(Settings settings, RunDir resumed, Path out, String name, Map<String, Object> changes) {
        /** The run folder: the resumed one, untouched, or a new one with the settings written into it. */
        RunDir open() throws IOException {
            if (resumed != null) return resumed;
            RunDir run = RunDir.create(out, name);
            run.writeSettings(settings);
            return run;
        }

        /** The fine-tuning of this session's settings, which records a resume's changes once its checkpoint has loaded. */
        FineTuning fineTuning() {
            return FineTuning.prepare(settings, changes);
        }
    }
}
