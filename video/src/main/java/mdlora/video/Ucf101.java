package mdlora.video;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * UCF101 as distributed: videos in {@code ROOT/CLASS/v_CLASS_gNN_cNN.avi} and the split folder
 * {@code ucfTrainTestlist} with {@code classInd.txt} ({@code 1 ApplyEyeMakeup}, 1-based),
 * {@code trainlist0N.txt} ({@code ApplyEyeMakeup/v_..._c01.avi 1}) and {@code testlist0N.txt}
 * (paths only; the class is the folder). The AVIs (Xvid) are read as they are; a {@code .mp4}
 * beside one (a re-encoded copy, e.g. of a clip using a feature mdlora refuses) is read instead.
 */
public final class Ucf101 {
    private Ucf101() {}

    /**
     * The training or test clips of one of UCF101's official splits.
     *
     * @param root     folder holding one folder per class
     * @param splitDir folder holding classInd.txt and the split lists
     * @param split    1, 2 or 3
     * @param train    the training list, else the test list
     * @return the split's clips, labelled as classInd.txt numbers them
     * @throws IOException when a split file is missing or malformed
     */
    public static Dataset load(Path root, Path splitDir, int split, boolean train) throws IOException {
        if (split < 1 || split > 3) throw new IllegalArgumentException("UCF101 has splits 1 to 3, got " + split);
        Path classInd = splitDir.resolve("classInd.txt");
        List<String> classes = new ArrayList<>();
        Map<String, Integer> byName = new HashMap<>();
        for (String line : LayoutFiles.nonBlank(classInd)) {
            String[] f = line.split("\\s+");
            if (f.length != 2 || !f[0].equals(Integer.toString(classes.size() + 1)))
                throw new IOException(classInd + ": expected '" + (classes.size() + 1) + " ClassName', got '" + line + "'");
            byName.put(f[1], classes.size());
            classes.add(f[1]);
        }
        Path list = splitDir.resolve((train ? "trainlist0" : "testlist0") + split + ".txt");
        List<ClipRecord> clips = new ArrayList<>();
        for (String line : LayoutFiles.nonBlank(list)) {
            String relative = line.split("\\s+")[0];
            String folder = relative.contains("/") ? relative.substring(0, relative.indexOf('/')) : "";
            Integer label = byName.get(folder);
            if (label == null) throw new IOException(list + ": '" + relative + "' is not in a folder named after a class of " + classInd);
            clips.add(new ClipRecord(LayoutFiles.reencoded(root.resolve(relative)), label));
        }
        return new Dataset("ucf101", classes, clips);
    }
}
