package mdlora.video;

import java.nio.file.Files;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

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
    /** Copies the lists; every clip's label must index {@code classes}. */
    public Dataset {
        classes = List.copyOf(classes);
        clips = List.copyOf(clips);
        for (ClipRecord c : clips)
            if (c.label() < 0 || c.label() >= classes.size())
                throw new IllegalArgumentException(name + ": clip " + c.path() + " has label " + c.label() + ", outside 0.." + (classes.size() - 1));
    }

    /** {@return number of clips} */
    public int size() {
        return clips.size();
    }

    /** {@return the listed clips whose file or folder does not exist (videos taken down from YouTube, a partial copy)} */
    public List<ClipRecord> missing() {
        return clips.stream().filter(c -> !Files.exists(c.path())).toList();
    }

    /**
     * This dataset without the clips in {@code gone}, in the same order.
     *
     * @param gone clips to drop, e.g. {@link #missing()}
     * @return a new dataset with the same name and classes
     */
    public Dataset without(Collection<ClipRecord> gone) {
        Set<ClipRecord> drop = new HashSet<>(gone);
        return new Dataset(name, classes, clips.stream().filter(c -> !drop.contains(c)).toList());
    }
}
