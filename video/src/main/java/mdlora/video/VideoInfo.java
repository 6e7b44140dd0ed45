package mdlora.video;

import java.nio.file.Path;

/**
 * What {@code mdlora video-info} prints about a video file that mdlora decodes.
 *
 * @param file       the video file
 * @param container  e.g. "MP4 (isom)", "AVI (XVID, idx1 index)", "Matroska"
 * @param codec      e.g. "H.264", "MPEG-4 Part 2"
 * @param profile    e.g. "High", "Advanced Simple @ L5"
 * @param features   what the stream uses that matters for decoding, e.g. "B-frames, packed bitstream"; empty when none
 * @param width      frame width in pixels
 * @param height     frame height in pixels
 * @param frameCount number of frames presented
 * @param fps        frames per second
 */
public record VideoInfo(Path file, String container, String codec, String profile, String features, int width, int height, int frameCount, double fps) {}
