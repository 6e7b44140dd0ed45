package mdlora.video;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The frames of one clip, readable by presentation index: an MP4 file or a folder of extracted frames. */
public interface Clip extends AutoCloseable {
    /**
     * Opens a video file with {@link VideoFile#open}, or a folder of frames with {@link FrameFolder}.
     *
     * @param path a video file or a folder of extracted frames
     * @return the opened clip; close it when done
     * @throws IOException when it cannot be read or is no clip mdlora decodes
     */
    static Clip open(Path path) throws IOException {
        return Files.isDirectory(path) ? FrameFolder.open(path) : VideoFile.open(path);
    }

    /** {@return the file or folder this clip was opened from} */
    Path path();

    /** {@return number of frames} */
    int frameCount();

    /**
     * The frames at the given 0-based presentation indices, in the order asked (an index may repeat).
     *
     * @param frames 0-based presentation indices, each below {@link #frameCount()}
     * @return one image per index, in the order asked
     * @throws VideoFormatException when the clip's data cannot be decoded
     */
    List<RgbImage> read(int... frames) throws IOException;

    @Override
    void close() throws IOException;
}
