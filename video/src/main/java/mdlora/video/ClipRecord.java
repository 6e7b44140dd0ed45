package mdlora.video;

import java.nio.file.Path;

/** One labelled clip of a {@link Dataset}: an MP4 file or a folder of frames, and its 0-based class index. */
public record ClipRecord(Path path, int label) {}
