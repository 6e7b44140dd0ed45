package mdlora.video;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * HMDB51 as distributed: videos in {@code ROOT/CLASS/NAME.avi} and the split folder
 * {@code testTrainMulti_7030_splits} with one file per class and split,
 * {@code CLASS_test_splitN.txt}, whose lines are {@code NAME.avi TAG}: tag 1 marks a training clip,
 * 2 a test clip, 0 a clip in neither. Classes are numbered in name order. The AVIs (DivX 5, often
 * with packed B-frames) are read as they are; as for {@link Ucf101}, a {@code .mp4} beside one is
 * read instead.
 */
public final class Hmdb51 {
    private Hmdb51() {}

    /**
     * The training or test clips of one of HMDB51's official splits.
     *
     * @param root     folder holding one folder per class
     * @param splitDir folder holding the CLASS_test_splitN.txt files
     * @param split    1, 2 or 3
     * @param train    the clips tagged 1, else those tagged 2
     * @return the split's clips, labelled by class folder in name order
     * @throws IOException when a split file is missing or malformed
     */
    public static Dataset load(Path root, Path splitDir, int split, boolean train) throws IOException {
        if (split < 1 || split > 3) throw new IllegalArgumentException("HMDB51 has splits 1 to 3, got " + split);
        String suffix = "_test_split" + split + ".txt";
        List<Path> splitFiles;
        try (Stream<Path> files = Files.list(splitDir)) {
            splitFiles = files.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
        }
        if (splitFiles.isEmpty()) throw new IOException(splitDir + ": no *" + suffix + " files (the HMDB51 split lists)");
        List<String> classes = new ArrayList<>();
        List<ClipRecord> clips = new ArrayList<>();
        String wanted = train ? "1" : "2";
        for (Path file : splitFiles) {
            String name = file.getFileName().toString();
            String cls = name.substring(0, name.length() - suffix.length());
            for (String line : LayoutFiles.nonBlank(file)) {
                String[] f = line.split("\\s+");
                if (f.length != 2 || !f[1].matches("[012]"))
                    throw new IOException(file + ": expected 'video.avi TAG' with tag 0, 1 or 2, got '" + line + "'");
                if (f[1].equals(wanted)) clips.add(new ClipRecord(LayoutFiles.reencoded(root.resolve(cls).resolve(f[0])), classes.size()));
            }
            classes.add(cls);
        }
        return new Dataset("hmdb51", classes, clips);
    }
}
