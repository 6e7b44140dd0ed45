package mdlora.video;

/**
 * An 8-bit RGB picture: {@code pixels} holds R, G, B of each pixel, rows top to bottom, pixels left
 * to right (ffmpeg's {@code rgb24}, NumPy's {@code [H, W, 3] uint8}).
 *
 * @param width  width in pixels, positive
 * @param height height in pixels, positive
 * @param pixels {@code 3 * width * height} bytes, RGB interleaved, row-major
 */
public record RgbImage(int width, int height, byte[] pixels) {
    /** Checks that the size is positive and {@code pixels} holds 3 bytes per pixel. */
    public RgbImage {
        if (width <= 0 || height <= 0)
            throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        if (pixels.length != 3 * width * height)
            throw new IllegalArgumentException("a " + width + "x" + height + " RGB image needs " + 3 * width * height
                    + " bytes, got " + pixels.length);
    }

    /**
     * A black image of the given size.
     *
     * @param width  width in pixels
     * @param height height in pixels
     * @return an all-zero image
     */
    public static RgbImage blank(int width, int height) {
        return new RgbImage(width, height, new byte[3 * width * height]);
    }

    /**
     * Channel {@code c} of pixel ({@code x}, {@code y}).
     *
     * @param x column, 0-based from the left
     * @param y row, 0-based from the top
     * @param c channel: 0 red, 1 green, 2 blue
     * @return the channel's value, 0..255
     */
    public int get(int x, int y, int c) {
        return pixels[3 * (y * width + x) + c] & 0xFF;
    }
}
