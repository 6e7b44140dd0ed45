package mdlora.launcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import mdlora.tensor.io.DType;
import mdlora.tensor.io.SafetensorsFile;
import mdlora.video.Mp4Writer;
import mdlora.video.RgbImage;
import mdlora.video.VideoFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mdlora decode} and {@code mdlora video-info}, run through {@link Main#run}. */
class VideoCommandsTest {
    @TempDir
    static Path dir;
    static Path clip;

    @BeforeAll
    static void writeClip() throws IOException {
        List<RgbImage> frames = new ArrayList<>();
        for (int t = 0; t < 10; t++) {
            byte[] px = new byte[3 * 32 * 16];
            for (int i = 0; i < px.length; i++) px[i] = (byte) (i / 3 % 32 * 6 + t * 10);
            frames.add(new RgbImage(32, 16, px));
        }
        clip = dir.resolve("clip.mp4");
        Mp4Writer.write(clip, frames, 25);
    }

    /** Exit code, stdout and stderr of one command line. */
    private record Result(int code, String out, String err) {}

    private static Result run(String... args) {
        PrintStream out = System.out, err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new Result(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void decodeWritesEvalFramesAndTheirIndices() throws IOException {
        Path out = dir.resolve("frames.safetensors");
        Result r = run("decode", clip.toString(), "--frames", "4", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        try (SafetensorsFile file = SafetensorsFile.open(out); VideoFile reader = VideoFile.open(clip)) {
            assertEquals(DType.U8, file.dtype("frames"));
            assertArrayEquals(new int[] {4, 16, 32, 3}, file.shape("frames"));
            int[] indices = file.ints("indices");
            assertArrayEquals(new int[] {1, 3, 6, 8}, indices); // centres of 4 segments of 10 frames
            byte[] frames = file.bytes("frames");
            List<RgbImage> expected = reader.read(indices);
            for (int i = 0; i < 4; i++)
                assertArrayEquals(expected.get(i).pixels(), Arrays.copyOfRange(frames, i * 1536, (i + 1) * 1536), "frame " + i);
        }
    }

    @Test
    void decodeResizesTheShorterSide() throws IOException {
        Path out = dir.resolve("small.safetensors");
        assertEquals(0, run("decode", clip.toString(), "--frames", "2", "--size", "8", "--out", out.toString()).code());
        try (SafetensorsFile file = SafetensorsFile.open(out)) {
            assertArrayEquals(new int[] {2, 8, 16, 3}, file.shape("frames"));
        }
    }

    @Test
    void videoInfoPrintsTheStream() {
        Result r = run("video-info", clip.toString());
        assertEquals(0, r.code(), r.err());
        for (String expected : List.of("MP4 (isom)", "H.264", "Baseline", "32x16", "frames     10", "fps        25.000", "decodes    yes"))
            assertTrue(r.out().contains(expected), expected + " not in\n" + r.out());
    }

    @Test
    void unreadableFilesGetOneLineAndANonZeroExit() throws IOException {
        Path random = Files.write(dir.resolve("noise.mp4"), new byte[] {9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2});
        for (String[] args : List.of(new String[] {"video-info", random.toString()},
                new String[] {"decode", random.toString(), "--frames", "2", "--out", dir.resolve("x.safetensors").toString()},
                new String[] {"video-info", dir.resolve("absent.mp4").toString()})) {
            Result r = run(args);
            assertEquals(1, r.code());
            String line = r.err().strip();
            assertFalse(line.contains("\n") || line.contains("\tat "), "one line, no stack trace: " + r.err());
            assertTrue(line.contains(args[1]), line);
        }
    }
}
