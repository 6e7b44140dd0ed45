package mdlora.video;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A file that cannot be read as a video clip. The message is one line: the file, what was found in
 * it, and what to do about it, so that a user who sees only the message can fix the input.
 */
public final class VideoFormatException extends IOException {
    /** The video file at fault. */
    private final Path file;

    /**
     * A file holding {@code found}, which the user can fix by {@code remedy}.
     *
     * @param file   the video file at fault
     * @param found  what the file holds, e.g. the unsupported codec or feature
     * @param remedy what the user can do about it
     */
    public VideoFormatException(Path file, String found, String remedy) {
        this(file, found, remedy, null);
    }

    /**
     * As {@link #VideoFormatException(Path, String, String)}, keeping the low-level cause for logs.
     *
     * @param file   the video file at fault
     * @param found  what the file holds
     * @param remedy what the user can do about it
     * @param cause  the underlying error, or null
     */
    public VideoFormatException(Path file, String found, String remedy, Throwable cause) {
        super(file + ": " + found + "; " + remedy, cause);
        this.file = file;
    }

    /** {@return the file that could not be read} */
    public Path file() {
        return file;
    }

    /** The remedy for anything jcodec cannot decode exactly: re-encode to 8-bit 4:2:0 H.264 with x264's defaults. */
    static String reencode(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String out = (dot > 0 ? name.substring(0, dot) : name) + "_h264.mp4";
        return "re-encode it, e.g. ffmpeg -i " + file + " -an -c:v libx264 -preset medium -pix_fmt yuv420p "
                + file.resolveSibling(out);
    }
}
