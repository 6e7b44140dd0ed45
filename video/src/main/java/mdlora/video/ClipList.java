package mdlora.video;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The plain list layout: one clip per line, {@code relative/path label}, paths relative to a root
 * folder, labels 0-based. A path may name a folder of extracted frames ({@link FrameFolder}); for
 * those the rawframe form {@code relative/folder frame_count label} (mmaction2's) is read too,
 * the count being informational. Blank lines and lines starting with {@code #} are skipped.
 */
public final class ClipList {
    private ClipList() {}

    /**
     * Reads {@code listFile}. {@code classes} names the labels; when null they are named "0", "1", ...
     * up to the largest label listed.
     *
     * @param listFile text file of lines {@code relative/path [frames] label}; '#' starts a comment
     * @param root     folder the listed paths are relative to
     * @param name     the dataset's name in logs and reports
     * @param classes  class names indexed by label, or null
     * @return the listed clips, in file order
     * @throws IOException naming the file and line of a malformed line (listed clips that do not exist are kept: see {@link Dataset#missing()})
     */
    public static Dataset load(Path listFile, Path root, String name, List<String> classes) throws IOException {
        List<ClipRecord> clips = new ArrayList<>();
        if (Files.isDirectory(listFile)) throw new IOException(listFile + " is a folder, not a list of clips");
        List<String> lines = Files.readAllLines(listFile);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            String[] f = line.split("\\s+");
            if (f.length != 2 && f.length != 3)
                throw new IOException(listFile + ":" + (i + 1) + ": expected 'relative/path label', got '" + line + "'");
            clips.add(new ClipRecord(root.resolve(f[0]), parseLabel(listFile, i + 1, f[f.length - 1])));
        }
        if (clips.isEmpty()) throw new IOException(listFile + " lists no clips");
        if (classes == null) {
            int max = clips.stream().mapToInt(ClipRecord::label).max().orElse(-1);
            classes = IntStream.rangeClosed(0, max).mapToObj(Integer::toString).toList();
        } else {
            for (ClipRecord c : clips)
                if (c.label() >= classes.size())
                    throw new IOException(listFile + ": label " + c.label() + " of " + c.path() + " is not below the " + classes.size() + " classes");
        }
        return new Dataset(name, classes, clips);
    }

    static int parseLabel(Path file, int line, String text) throws IOException {
        try {
            int label = Integer.parseInt(text);
            if (label >= 0) return label;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IOException(file + ":" + line + ": label '" + text + "' is not a non-negative integer");
    }
}
