package mdlora.video;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;
import mdlora.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FrameCacheTest {
    @TempDir
    Path dir;

    private static List<RgbImage> frames() {
        byte[] a = new byte[3 * 6 * 4], b = new byte[3 * 6 * 4];
        for (int i = 0; i < a.length; i++) {
            a[i] = (byte) i;
            b[i] = (byte) (255 - i);
        }
        return List.of(new RgbImage(6, 4, a), new RgbImage(6, 4, b));
    }

    private static void assertSameFrames(List<RgbImage> expected, List<RgbImage> actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) assertArrayEquals(expected.get(i).pixels(), actual.get(i).pixels());
    }

    @Test
    void storesAndReturnsFramesWithoutLeavingTemporaryFiles() throws IOException {
        FrameCache cache = new FrameCache(dir.resolve("cache"));
        assertNull(cache.get("k"));
        cache.put("k", frames());
        assertSameFrames(frames(), cache.get("k"));
        assertNull(cache.get("other"));
        try (Stream<Path> files = Files.list(dir.resolve("cache"))) {
            assertEquals(List.of(".frames"), files.map(p -> p.toString().substring(p.toString().lastIndexOf('.'))).toList());
        }
    }

    @Test
    void damagedOrCutOffEntriesReadAsMissingAndAreRewritten() throws IOException {
        FrameCache cache = new FrameCache(dir);
        cache.put("k", frames());
        Path entry;
        try (Stream<Path> files = Files.list(dir)) {
            entry = files.findFirst().orElseThrow();
        }
        byte[] good = Files.readAllBytes(entry);
        byte[] flipped = good.clone();
        flipped[good.length / 2] ^= 1;
        Files.write(entry, flipped);
        assertNull(cache.get("k"), "a flipped bit fails the CRC");
        Files.write(entry, java.util.Arrays.copyOf(good, good.length / 3));
        assertNull(cache.get("k"), "a write cut off by a crash");
        cache.put("k", frames());
        assertSameFrames(frames(), cache.get("k"));
    }

    @Test
    void aChangedClipHasANewKey() throws IOException {
        Path clip = Files.write(dir.resolve("c.mp4"), new byte[] {1, 2, 3});
        String before = FrameCache.key(clip, "uniform8");
        Files.setLastModifiedTime(clip, FileTime.fromMillis(Files.getLastModifiedTime(clip).toMillis() + 5000));
        assertNotEquals(before, FrameCache.key(clip, "uniform8"));
        assertNotEquals(before, FrameCache.key(clip, "uniform16"));
    }

    @Test
    void clipSourceServesLaterReadsFromTheCache() throws IOException {
        Path clip = Files.copy(TestClips.clip("high.mp4"), dir.resolve("high.mp4"));
        FrameCache cache = new FrameCache(dir.resolve("cache"));
        ClipSource source = new ClipSource(FrameSampler.uniform(4), new ClipTransform(32, 28, new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.5f, 0.5f, 0.5f}), cache);
        Tensor first = source.eval(clip);
        assertArrayEquals(new int[] {4, 3, 28, 28}, first.shape());
        // Replace the clip's bytes but keep its size and time: the key still matches, so the frames come from the cache.
        FileTime time = Files.getLastModifiedTime(clip);
        Files.write(clip, new byte[(int) Files.size(clip)]);
        Files.setLastModifiedTime(clip, time);
        assertArrayEquals(first.toArray(), source.eval(clip).toArray());
    }

    @Test
    void aCacheFilledByOtherDrawsChangesNoTrainingSample() throws IOException {
        Path clip = Files.copy(TestClips.clip("high.mp4"), dir.resolve("high.mp4"));
        ClipTransform transform = new ClipTransform(32, 28, new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.5f, 0.5f, 0.5f});
        ClipSource uncached = new ClipSource(FrameSampler.uniform(4), transform, null);
        ClipSource cached = new ClipSource(FrameSampler.uniform(4), transform, new FrameCache(dir.resolve("cache")));
        cached.train(clip, new mdlora.tensor.Rng(1)); // seed 1 fills the cache
        for (long seed : new long[] {2, 3, 1})
            assertArrayEquals(uncached.train(clip, new mdlora.tensor.Rng(seed)).toArray(), cached.train(clip, new mdlora.tensor.Rng(seed)).toArray(),
                    "seed " + seed + " read through a cache seed 1 filled");
        assertArrayEquals(uncached.eval(clip).toArray(), cached.eval(clip).toArray());
    }

    @Test
    void aSampleReadsOnlyItsFramesAndADamagedFrameIsDecodedAfresh() throws IOException {
        FrameCache cache = new FrameCache(dir.resolve("cache"));
        cache.put("k", frames());
        Path entry;
        try (Stream<Path> files = Files.list(dir.resolve("cache"))) {
            entry = files.findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(entry);
        bytes[bytes.length - 1] ^= 1; // in the last frame
        Files.write(entry, bytes);
        FrameCache.Entry e = cache.open("k");
        assertEquals(2, e.frameCount(), "the header is intact");
        assertSameFrames(frames().subList(0, 1), cache.read(e, 0));
        assertNull(cache.read(e, 0, 1), "the damaged frame fails its CRC");

        Path clip = Files.copy(TestClips.clip("high.mp4"), dir.resolve("high.mp4"));
        ClipTransform transform = new ClipTransform(32, 28, new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.5f, 0.5f, 0.5f});
        ClipSource cached = new ClipSource(FrameSampler.uniform(4), transform, new FrameCache(dir.resolve("clips")));
        cached.fill(clip);
        Path clipEntry;
        try (Stream<Path> files = Files.list(dir.resolve("clips"))) {
            clipEntry = files.findFirst().orElseThrow();
        }
        byte[] clipBytes = Files.readAllBytes(clipEntry);
        for (int i = clipBytes.length / 2; i < clipBytes.length; i += 997) clipBytes[i] ^= 1;
        Files.write(clipEntry, clipBytes);
        Tensor expected = new ClipSource(FrameSampler.uniform(4), transform, null).train(clip, new mdlora.tensor.Rng(5));
        assertArrayEquals(expected.toArray(), cached.train(clip, new mdlora.tensor.Rng(5)).toArray(), "decoded afresh, same draws");
        assertArrayEquals(expected.toArray(), cached.train(clip, new mdlora.tensor.Rng(5)).toArray(), "and rewritten");
    }
}
