package mdlora.video;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** File helpers the dataset layouts share. */
final class LayoutFiles {
    private LayoutFiles() {}

    /** The lines of {@code file}, stripped, without blank ones. */
    static List<String> nonBlank(Path file) throws IOException {
        return Files.readAllLines(file).stream().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    /**
     * {@code video}'s {@code .mp4} sibling when there is one, else {@code video}: a user who re-encoded
     * a clip mdlora refuses (GMC, quarter-pel, ...) puts the copy beside it and changes no list.
     */
    static Path reencoded(Path video) {
        Path mp4 = withExtension(video, ".mp4");
        return Files.exists(mp4) ? mp4 : video;
    }

    /** {@code file} with its extension replaced by {@code extension} (".mp4"). */
    static Path withExtension(Path file, String extension) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return file.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + extension);
    }
}
