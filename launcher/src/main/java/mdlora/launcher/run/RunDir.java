package mdlora.launcher.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import mdlora.launcher.config.ConfigException;
import mdlora.launcher.config.Settings;
import mdlora.tensor.io.AtomicFile;
import mdlora.tensor.io.Json;

/**
 * The folder of one run, and the names of everything in it:
 * <pre>
 *   config.json              the resolved settings (every key), written first
 *   metrics.jsonl            training loss and per-domain accuracy over steps ({@link Metrics})
 *   checkpoint.safetensors   trainable weights, optimiser state and loop position (written atomically, CRC32C per tensor)
 *   checkpoint.prev.safetensors  the checkpoint before it, the fallback when the latest is corrupt
 *   run.lock                 the OS lock of the process writing the run, naming it ({@link RunLock})
 *   adapters/                LoRA adapters and heads in PEFT's layout, one folder per domain
 *   domains.json             each domain's class names
 *   datasets.json            each domain's train and test list fingerprint (a resume refuses changed data)
 *   backbone.json            the backbone's SHA-256 (resume, eval, predict and export refuse a changed backbone)
 *   eval.json                final per-domain accuracy
 *   analysis.json            effective dimensions, subspace sizes, domain overlaps ({@code analyze})
 *   report.html, plots/      the report and its SVG plots
 * </pre>
 */
public final class RunDir {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
    private final Path path;

    private RunDir(Path path) {
        this.path = path;
    }

    /**
     * A new run folder: {@code out} when given (it must not hold a run already), else a fresh
     * {@code runs/NAME-yyyyMMdd-HHmmss} under the working directory.
     */
    public static RunDir create(Path out, String name) throws IOException {
        if (out != null && Files.exists(out.resolve("config.json")))
            throw new ConfigException(out + " already holds a run (use --resume " + out + " to continue it, or another --out)");
        return new RunDir(folder(out, name));
    }

    /** {@code out} when given, else a fresh {@code runs/NAME-yyyyMMdd-HHmmss}; created. */
    public static Path folder(Path out, String name) throws IOException {
        if (out != null && Files.exists(out) && !Files.isDirectory(out))
            throw new ConfigException(out + " is a file; --out names the folder the run goes into");
        return Files.createDirectories(out != null ? out : fresh(Path.of("runs"), name));
    }

    private static Path fresh(Path parent, String name) {
        String base = name + "-" + LocalDateTime.now().format(STAMP);
        Path dir = parent.resolve(base);
        for (int i = 2; Files.exists(dir); i++) dir = parent.resolve(base + "-" + i);
        return dir;
    }

    /** An existing run folder (one with a config.json). */
    public static RunDir open(Path dir) {
        if (!Files.isDirectory(dir)) throw new ConfigException("run folder not found: " + dir);
        if (!Files.isRegularFile(dir.resolve("config.json"))) throw new ConfigException(dir + " is not a run folder (no config.json)");
        return new RunDir(dir);
    }

    public Path path() {
        return path;
    }

    public Path file(String name) {
        return path.resolve(name);
    }

    public void writeSettings(Settings settings) throws IOException {
        AtomicFile.writeString(file("config.json"), Json.writePretty(settings.toJson()) + "\n");
    }

    /**
     * A resume's changed settings ({@code changes}: config key without section to new value; {@code settings}
     * holds them): a {@code settings} line in metrics.jsonl at {@code step}, the checkpoint's, and config.json
     * rewritten. Nothing when there are none.
     */
    public void recordChanges(Settings settings, Map<String, Object> changes, int step) throws IOException {
        if (changes.isEmpty()) return;
        metrics().append(new LinkedHashMap<>(Map.of("step", step, "kind", "settings", "train", changes)));
        writeSettings(settings);
    }

    public Settings readSettings() {
        return Settings.read(file("config.json"));
    }

    public Metrics metrics() {
        return new Metrics(file("metrics.jsonl"));
    }

    public Path checkpoint() {
        return file("checkpoint.safetensors");
    }

    public Path adapters() {
        return file("adapters");
    }

    /** Writes a JSON document into the run atomically. */
    public void writeJson(String name, Object value) throws IOException {
        AtomicFile.writeString(file(name), Json.writePretty(value) + "\n");
    }

    /** Reads a JSON document of the run, or null when the run has none yet. */
    public Map<String, Object> readJson(String name) throws IOException {
        Path f = file(name);
        return Files.exists(f) ? Json.parseObject(Files.readString(f)) : null;
    }
}
