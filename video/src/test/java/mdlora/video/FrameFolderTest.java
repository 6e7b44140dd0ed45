package mdlora.video;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FrameFolderTest {
    @TempDir
    Path dir;

    /** Writes frame {@code t} of a 5x3 clip whose pixel (x, y) is (10x + t, 20y, 7t). */
    private void writeFrame(Path folder, int t, String format) throws IOException {
        BufferedImage img = new BufferedImage(5, 3, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 3; y++)
            for (int x = 0; x < 5; x++) img.setRGB(x, y, (10 * x + t) << 16 | (20 * y) << 8 | 7 * t);
        Files.createDirectories(folder);
        ImageIO.write(img, format, folder.resolve(String.format("img_%05d.%s", t + 1, format.equals("jpeg") ? "jpg" : format)).toFile());
    }

    @Test
    void readsFramesInNameOrder() throws IOException {
        Path folder = dir.resolve("clip");
        for (int t = 11; t >= 0; t--) writeFrame(folder, t, "png");
        Files.writeString(folder.resolve("notes.txt"), "not a frame");
        try (Clip clip = Clip.open(folder)) {
            assertEquals(12, clip.frameCount());
            List<RgbImage> frames = clip.read(10, 0);
            assertEquals(3 * 10 + 10, frames.get(0).get(3, 0, 0));
            assertEquals(2 * 20, frames.get(0).get(0, 2, 1));
            assertEquals(70, frames.get(0).get(0, 0, 2));
            assertEquals(0, frames.get(1).get(0, 0, 2));
        }
    }

    @Test
    void feedsTheClipSourceLikeAVideo() throws IOException {
        Path folder = dir.resolve("jpegs");
        for (int t = 0; t < 6; t++) writeFrame(folder, t, "jpeg");
        ClipSource source = new ClipSource(FrameSampler.uniform(3), new ClipTransform(3, 3, new float[] {0, 0, 0}, new float[] {1, 1, 1}), null);
        assertArrayEquals(new int[] {3, 3, 3, 3}, source.eval(folder).shape());
    }

    @Test
    void aFolderWithoutFramesIsAnError() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        VideoFormatException e = assertThrows(VideoFormatException.class, () -> Clip.open(empty));
        assertTrue(e.getMessage().contains("empty") && e.getMessage().contains("img_%05d.jpg"), e.getMessage());
    }
}
