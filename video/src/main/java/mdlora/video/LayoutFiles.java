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

    /** {@code video}, or its {@code .mp4} sibling when only that exists (jcodec cannot read the AVIs datasets ship). */
    static Path reencoded(Path video) {
        if (Files.exists(video)) return video;
        String name = video.getFileName().toString();
        int dot = name.lastIndexOf('.');
        Path mp4 = video.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".mp4");
        return Files.exists(mp4) ? mp4 : video;
    }
}
