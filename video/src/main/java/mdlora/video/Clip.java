package mdlora.video;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The frames of one clip, readable by presentation index: an MP4 file or a folder of extracted frames. */
public interface Clip extends AutoCloseable {
    /** Opens a video file with {@link VideoFile#open}, or a folder of frames with {@link FrameFolder}. */
    static Clip open(Path path) throws IOException {
        return Files.isDirectory(path) ? FrameFolder.open(path) : VideoFile.open(path);
    }

    /** The file or folder this clip was opened from. */
    Path path();

    /** Number of frames. */
    int frameCount();

    /**
     * The frames at the given 0-based presentation indices, in the order asked (an index may repeat).
     *
     * @throws VideoFormatException when the clip's data cannot be decoded
     */
    List<RgbImage> read(int... frames) throws IOException;

    @Override
    void close() throws IOException;
}
