package mdlora.video;

import java.io.FileNotFoundException;
import java.nio.file.Files;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The clips of one domain and split, with the domain's class names: what the layout readers
 * ({@link ClipList}, {@link Ucf101}, {@link Hmdb51}, {@link Kinetics400}) produce and the
 * {@link Loader} consumes.
 *
 * @param name    the domain's name, e.g. "ucf101"
 * @param classes class names; a clip's label indexes this list
 * @param clips   the clips, in the order listed
 */
public record Dataset(String name, List<String> classes, List<ClipRecord> clips) {
    private static final int MISSING_SHOWN = 20;

    /** Copies the lists. */
    public Dataset {
        classes = List.copyOf(classes);
        clips = List.copyOf(clips);
        for (ClipRecord c : clips)
            if (c.label() < 0 || c.label() >= classes.size())
                throw new IllegalArgumentException(name + ": clip " + c.path() + " has label " + c.label() + ", outside 0.." + (classes.size() - 1));
    }

    /** Number of clips. */
    public int size() {
        return clips.size();
    }

    /**
     * Returns this dataset when every clip exists, else throws one error listing the missing ones
     * (the first {@value #MISSING_SHOWN}) and how many there are.
     */
    public Dataset requireFilesExist() throws FileNotFoundException {
        List<ClipRecord> missing = clips.stream().filter(c -> !Files.exists(c.path())).toList();
        if (missing.isEmpty()) return this;
        String shown = missing.stream().limit(MISSING_SHOWN).map(c -> c.path().toString()).collect(Collectors.joining(", "));
        throw new FileNotFoundException(name + ": " + missing.size() + " of " + clips.size() + " listed clips are missing: " + shown
                + (missing.size() > MISSING_SHOWN ? ", ..." : ""));
    }
}
