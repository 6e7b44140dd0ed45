package mdlora.video;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Kinetics-400 as the annotation CSVs describe it: {@code label,youtube_id,time_start,time_end,split}
 * (further columns ignored, labels may be quoted), each clip a file
 * {@code <youtube_id>_<start:06>_<end:06>.mp4} (or {@code .mkv}, as re-downloads often are, or
 * {@code .webm}, which is refused when read, naming its codec) found in {@code ROOT/<label>/},
 * {@code ROOT/<label with _ for spaces>/} or {@code ROOT/} itself, as the common download scripts
 * lay them out. Classes are the CSV's labels in name order. Clips taken down from YouTube are
 * typically missing: they are listed all the same, and {@link Dataset#missing()} names them.
 */
public final class Kinetics400 {
    private Kinetics400() {}

    /**
     * Reads {@code csv} (train.csv, validate.csv or test.csv) with the videos under {@code root}.
     *
     * @param csv  annotation CSV with a header line
     * @param root folder the videos were downloaded into
     * @return every listed clip, missing ones included
     * @throws IOException when the CSV cannot be read or is malformed
     */
    public static Dataset load(Path csv, Path root) throws IOException {
        List<String> lines = LayoutFiles.nonBlank(csv);
        if (lines.isEmpty()) throw new IOException(csv + ": empty");
        List<String> header = fields(lines.getFirst());
        int label = header.indexOf("label"), id = header.indexOf("youtube_id"), start = header.indexOf("time_start"), end = header.indexOf("time_end");
        if (label < 0 || id < 0 || start < 0 || end < 0)
            throw new IOException(csv + ": header must name label, youtube_id, time_start and time_end, got " + lines.getFirst());
        List<List<String>> rows = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            List<String> row = fields(lines.get(i));
            if (row.size() < header.size())
                throw new IOException(csv + ":" + (i + 1) + ": expected " + header.size() + " fields, got '" + lines.get(i) + "'");
            rows.add(row);
        }
        List<String> classes = List.copyOf(rows.stream().map(r -> r.get(label)).collect(Collectors.toCollection(TreeSet::new)));
        Map<String, Integer> index = IntStream.range(0, classes.size()).boxed().collect(Collectors.toMap(classes::get, i -> i));
        List<ClipRecord> clips = new ArrayList<>();
        for (List<String> r : rows) {
            String stem = String.format("%s_%06d_%06d", r.get(id), seconds(csv, r.get(start)), seconds(csv, r.get(end)));
            clips.add(new ClipRecord(locate(root, r.get(label), stem), index.get(r.get(label))));
        }
        return new Dataset("kinetics400", classes, clips);
    }

    private static final List<String> EXTENSIONS = List.of(".mp4", ".mkv", ".webm");

    private static Path locate(Path root, String label, String stem) {
        for (Path dir : List.of(root.resolve(label), root.resolve(label.replace(' ', '_')), root))
            for (String extension : EXTENSIONS)
                if (Files.exists(dir.resolve(stem + extension))) return dir.resolve(stem + extension);
        return root.resolve(label).resolve(stem + EXTENSIONS.getFirst());
    }

    private static int seconds(Path csv, String text) throws IOException {
        try {
            return (int) Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new IOException(csv + ": time '" + text + "' is not a number", e);
        }
    }

    /** The comma-separated fields of a CSV line, double quotes removed from quoted fields. */
    private static List<String> fields(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                if (quoted && i + 1 < line.length() && line.charAt(i + 1) == '"') field.append(line.charAt(++i));
                else quoted = !quoted;
            } else if (c == ',' && !quoted) {
                out.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        out.add(field.toString());
        return out;
    }
}
