package mdlora.video;

import java.nio.file.Path;

/**
 * What {@code mdlora video-info} prints about a video file.
 *
 * @param container  e.g. "MP4 (isom)"
 * @param codec      e.g. "H.264"
 * @param profile    e.g. "High"
 * @param frameCount number of frames (samples of the video track)
 * @param fps        frames per second over the track's duration
 */
public record VideoInfo(Path file, String container, String codec, String profile, int width, int height, int frameCount, double fps) {}
