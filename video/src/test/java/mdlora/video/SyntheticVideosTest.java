package mdlora.video;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticVideosTest {
    private static final SyntheticVideos.Config TINY = new SyntheticVideos.Config(7, 32, 32, 4, 2, 1);

    @TempDir
    Path dir;

    @Test
    void writesDomainsWithTheirOwnLabelSetsAndLists() throws IOException {
        List<Dataset> train = SyntheticVideos.generate(dir, TINY);
        assertEquals(SyntheticVideos.domainNames(), train.stream().map(Dataset::name).toList());
        assertEquals(List.of(7, 6, 6), train.stream().map(d -> d.classes().size()).toList());
        assertEquals(List.of(14, 12, 12), train.stream().map(Dataset::size).toList());
        List<Dataset> test = SyntheticVideos.load(dir, "test");
        assertEquals(List.of(7, 6, 6), test.stream().map(Dataset::size).toList());
        try (VideoReader r = VideoReader.open(test.get(2).clips().getLast().path())) {
            assertEquals(32, r.info().width());
            assertEquals(4, r.frameCount());
        }
    }

    @Test
    void theSeedFixesTheFrames() throws IOException {
        Path a = dir.resolve("a"), b = dir.resolve("b"), c = dir.resolve("c");
        SyntheticVideos.generate(a, TINY);
        SyntheticVideos.generate(b, TINY);
        SyntheticVideos.generate(c, new SyntheticVideos.Config(8, 32, 32, 4, 2, 1));
        String clip = "forest/dance/train_001.mp4";
        assertArrayEquals(firstFrame(a.resolve(clip)), firstFrame(b.resolve(clip)));
        assertFalse(Arrays.equals(firstFrame(a.resolve(clip)), firstFrame(c.resolve(clip))));
    }

    @Test
    void aDatasetOfAnotherVersionIsNotCurrent() throws IOException {
        assertFalse(SyntheticVideos.isCurrent(dir));
        SyntheticVideos.generate(dir, TINY);
        assertTrue(SyntheticVideos.isCurrent(dir));
        Path manifest = dir.resolve("manifest.txt");
        Files.writeString(manifest, Files.readString(manifest).replace("version " + SyntheticVideos.VERSION + "\n", "version 1\n"));
        assertFalse(SyntheticVideos.isCurrent(dir));
        Files.writeString(manifest, Files.readString(manifest).replace("version 1\n", ""));
        assertFalse(SyntheticVideos.isCurrent(dir), "a manifest without a version is from before versions");
    }

    @Test
    void theShapeMovesAsTheClassSays() throws IOException {
        // forest's "run" is a diamond, checkered in vivid colours, moving right over soft earthy blotches:
        // the centre of the strongly saturated pixels moves right.
        SyntheticVideos.generate(dir, new SyntheticVideos.Config(3, 64, 64, 6, 1, 1));
        try (VideoReader r = VideoReader.open(dir.resolve("forest/run/train_000.mp4"))) {
            List<RgbImage> f = r.read(0, 5);
            assertTrue(objectCentreX(f.get(1)) > objectCentreX(f.get(0)) + 8, objectCentreX(f.get(0)) + " -> " + objectCentreX(f.get(1)));
        }
    }

    private static double objectCentreX(RgbImage img) {
        int[] sat = new int[img.width() * img.height()];
        for (int i = 0; i < sat.length; i++) {
            int r = img.pixels()[3 * i] & 0xFF, g = img.pixels()[3 * i + 1] & 0xFF, b = img.pixels()[3 * i + 2] & 0xFF;
            sat[i] = Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b));
        }
        double sum = 0, n = 0;
        for (int i = 0; i < sat.length; i++)
            if (sat[i] > 120) { // the vivid object against a muted background
                sum += i % img.width();
                n++;
            }
        return sum / n;
    }

    private static byte[] firstFrame(Path clip) throws IOException {
        try (VideoReader r = VideoReader.open(clip)) {
            return r.read(0).getFirst().pixels();
        }
    }
}
