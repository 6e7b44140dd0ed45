package mdlora.video;

import java.nio.file.Path;

/**
 * One labelled clip of a {@link Dataset}: an MP4 file or a folder of frames, and its 0-based class index.
 *
 * @param path  the clip's video file or frame folder
 * @param label 0-based index into the dataset's classes
 */
public record ClipRecord(Path path, int label) {}
