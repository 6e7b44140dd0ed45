package mdlora.launcher.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import mdlora.tensor.io.AtomicFile;
import mdlora.tensor.io.Json;

/**
 * A run's {@code metrics.jsonl}: one JSON object a line, each with the {@code step} it belongs to and a
 * {@code kind} ({@code train} for the running loss, {@code eval} for per-domain accuracy). Only values
 * that a seeded run reproduces exactly go here (no wall-clock times), so two runs can be compared line
 * for line.
 */
public final class Metrics {
    private final Path file;

    public Metrics(Path file) {
        this.file = file;
    }

    /** Appends one record; it reaches the file before this returns. */
    public void append(Map<String, Object> record) throws IOException {
        if (!(record.get("step") instanceof Integer)) throw new IllegalArgumentException("a metrics record needs an integer 'step': " + record);
        Files.writeString(file, Json.write(record) + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /**
     * Every record, in order; none when the file does not exist yet. A torn last line (a write cut short
     * by a full disk or a crash) is left out with a notice; a bad line before it is an error naming the file.
     */
    public List<Map<String, Object>> read() throws IOException {
        List<Map<String, Object>> records = new ArrayList<>();
        for (String text : lines("ignoring")) records.add(Json.parseObject(text));
        return records;
    }

    /** The file's complete lines; a torn last line is left out with a notice that it is {@code verb}ed. */
    private List<String> lines(String verb) throws IOException {
        List<String> kept = new ArrayList<>();
        if (!Files.exists(file)) return kept;
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int line = 1; line <= lines.size(); line++) {
            String text = lines.get(line - 1);
            if (text.isBlank()) continue;
            try {
                Json.parseObject(text);
                kept.add(text);
            } catch (IllegalArgumentException e) {
                if (line < lines.size()) throw new IOException(file + " line " + line + ": " + e.getMessage(), e);
                System.err.println("mdlora: " + file + ": " + verb + " a torn last line " + line + " (a write cut short)");
            }
        }
        return kept;
    }

    /** Records of one kind. */
    public List<Map<String, Object>> read(String kind) throws IOException {
        return read().stream().filter(r -> kind.equals(r.get("kind"))).toList();
    }

    /**
     * Drops records after {@code step}: a run resumed from its step-{@code step} checkpoint writes them
     * again, and must not list them twice.
     */
    public void truncateAfter(int step) throws IOException {
        if (!Files.exists(file)) return;
        var kept = new StringBuilder();
        for (String text : lines("cutting back"))
            if (((Number) Json.parseObject(text).get("step")).intValue() <= step) kept.append(text).append('\n');
        if (!kept.toString().equals(Files.readString(file, StandardCharsets.UTF_8))) AtomicFile.writeString(file, kept.toString());
    }

    public Path file() {
        return file;
    }
}
