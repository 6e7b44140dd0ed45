package mdlora.video;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** MPEG-4 Part 2 in AVI and MP4, and H.264 in Matroska, against ffmpeg's frames (src/test/scripts/make_mpeg4_clips.sh). */
class Mpeg4ReaderTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({"xvid_p.avi, xvid_p", "xvid_b.avi, xvid_b", "divx_packed.avi, divx_packed", "odd_width.avi, odd_width",
            "qvga.avi, qvga", "mpeg4.mp4, mpeg4", "h264.mkv, h264_mkv"})
    void framesMatchFfmpegInPresentationOrder(String file, String reference) throws IOException {
        try (VideoFile video = VideoFile.open(TestClips.clip(file))) {
            int w = video.info().width(), h = video.info().height(), n = video.frameCount();
            byte[] luma = TestClips.reference(reference, "y");
            assertEquals(luma.length / (w * h), n, "frame count");
            int[] all = IntStream.range(0, n).toArray();
            List<byte[]> ours = video instanceof Mpeg4Reader m ? m.readLuma(all) : ((VideoReader) video).readLuma(all);
            double worst = Double.POSITIVE_INFINITY, worstRgb = Double.POSITIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                double psnr = TestClips.psnr(ours.get(i), 0, luma, i * w * h, w * h);
                assertTrue(psnr >= 50, file + " frame " + i + ": luma PSNR " + psnr);
                worst = Math.min(worst, psnr);
            }
            if (TestClips.hasReference(reference, "rgb24")) {
                byte[] rgb = TestClips.reference(reference, "rgb24");
                List<RgbImage> frames = video.read(all);
                for (int i = 0; i < n; i++) {
                    double psnr = TestClips.psnr(frames.get(i).pixels(), 0, rgb, i * 3 * w * h, 3 * w * h);
                    assertTrue(psnr >= 40, file + " frame " + i + ": RGB PSNR " + psnr);
                    worstRgb = Math.min(worstRgb, psnr);
                }
            }
            System.out.printf("PSNR %-16s %3dx%-3d %2d frames  worst luma %.1f dB  worst RGB %s%n", file, w, h, n, worst,
                    Double.isInfinite(worstRgb) ? "-" : String.format("%.1f dB", worstRgb));
        }
    }

    @Test
    void framesComeInTheOrderAskedAndSeekingDecodesOnlyTheAnchorsNeeded() throws IOException {
        Path clip = TestClips.clip("xvid_b.avi"); // ffmpeg mpeg4 -bf 2 -g 12: I-VOPs at decode 0, 12, 24; P-VOPs every third
        List<RgbImage> all;
        try (VideoFile sequential = VideoFile.open(clip)) {
            all = sequential.read(IntStream.range(0, sequential.frameCount()).toArray());
        }
        try (Mpeg4Reader reader = (Mpeg4Reader) VideoFile.open(clip)) {
            // Frame 17 is a B-VOP at decode index 17 (shown between the P-VOPs at decode 15 and 18): decoding
            // starts at the I-VOP at 12 and reads the anchors 12, 15 and 18, then the B-VOP itself.
            assertArrayEquals(all.get(17).pixels(), reader.read(17).getFirst().pixels());
            assertEquals(4, reader.vopsDecoded());
            int[] order = {29, 2, 17, 0, 29, 13};
            List<RgbImage> picked = reader.read(order);
            for (int i = 0; i < order.length; i++) assertArrayEquals(all.get(order[i]).pixels(), picked.get(i).pixels(), "frame " + order[i]);
        }
    }

    @Test
    void openGopBFramesAfterAKeyFrameAreDecodedFromTheGopBefore() throws IOException {
        // In the packed DivX stream, the B-VOP packed with the second I-VOP is shown before it and refers
        // to the last P-VOP of the first GOP: seeking to it must start at the first I-VOP.
        Path clip = TestClips.clip("divx_packed.avi");
        List<RgbImage> all;
        try (VideoFile sequential = VideoFile.open(clip)) {
            all = sequential.read(IntStream.range(0, sequential.frameCount()).toArray());
        }
        byte[] luma = TestClips.reference("divx_packed", "y");
        for (int frame = 0; frame < all.size(); frame++) {
            try (Mpeg4Reader reader = (Mpeg4Reader) VideoFile.open(clip)) {
                assertArrayEquals(all.get(frame).pixels(), reader.read(frame).getFirst().pixels(), "frame " + frame + " read alone");
                assertTrue(TestClips.psnr(reader.readLuma(frame).getFirst(), 0, luma, frame * 64 * 48, 64 * 48) >= 50);
            }
        }
    }

    @Test
    void aNotCodedVopThatIsNoPlaceholderRepeatsThePreviousFrame() throws IOException {
        List<byte[]> chunks = new java.util.ArrayList<>(AviBuilder.chunks(TestClips.clip("xvid_p.avi")));
        int timeBits = Integer.SIZE - Integer.numberOfLeadingZeros(Mpeg4Headers.read(dir, java.nio.ByteBuffer.wrap(chunks.getFirst())).timeResolution - 1);
        // A P-VOP with vop_coded 0, as an encoder writes for a dropped frame: type 01, modulo_time_base 0,
        // marker, time increment, marker, vop_coded 0, then stuffing up to the byte.
        String bits = "01" + "0" + "1" + "0".repeat(Math.max(1, timeBits)) + "1" + "0";
        bits += "01111111".substring(0, 8 - bits.length() % 8);
        byte[] vop = new byte[4 + bits.length() / 8];
        vop[2] = 1;
        vop[3] = (byte) 0xB6;
        for (int i = 0; i < bits.length(); i++) if (bits.charAt(i) == '1') vop[4 + i / 8] |= (byte) (0x80 >> (i % 8));
        chunks.add(4, vop);
        Path dropped = write("dropped.avi", AviBuilder.write(chunks, "XVID", 64, 48, AviBuilder.Index.IDX1));
        try (VideoFile original = VideoFile.open(TestClips.clip("xvid_p.avi")); VideoFile video = VideoFile.open(dropped)) {
            assertEquals(13, video.frameCount());
            List<RgbImage> a = original.read(IntStream.range(0, 12).toArray()), b = video.read(IntStream.range(0, 13).toArray());
            for (int i = 0; i < 13; i++) assertArrayEquals(a.get(i <= 4 ? Math.min(i, 3) : i - 1).pixels(), b.get(i).pixels(), "frame " + i);
        }
    }

    @Test
    void infoDescribesContainerCodecProfileAndFeatures() throws IOException {
        try (VideoFile video = VideoFile.open(TestClips.clip("divx_packed.avi"))) {
            VideoInfo info = video.info();
            assertEquals("AVI (DX50, idx1 index)", info.container());
            assertEquals("MPEG-4 Part 2", info.codec());
            assertTrue(info.profile().startsWith("Advanced Simple"), info.profile());
            assertTrue(info.features().contains("B-frames") && info.features().contains("packed bitstream") && info.features().contains("DivX503b1393p"),
                    info.features());
            assertEquals(28, info.frameCount());
            assertEquals(25.0, info.fps(), 1e-9);
        }
        try (VideoFile video = VideoFile.open(TestClips.clip("mpeg4.mp4"))) {
            assertEquals("MP4 (isom)", video.info().container());
            assertEquals("MPEG-4 Part 2", video.info().codec());
        }
        try (VideoFile video = VideoFile.open(TestClips.clip("h264.mkv"))) {
            assertEquals("Matroska", video.info().container());
            assertEquals("H.264", video.info().codec());
            assertEquals(25.0, video.info().fps(), 1e-9);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "gmc.avi    | global motion compensation",
            "qpel.avi   | quarter-pel",
            "resync.avi | resync markers",
            "vp9.webm   | VP9 (WebM)"})
    void featuresJcodecDecodesWronglyAreRefusedOnOpen(String file, String feature) {
        VideoFormatException e = assertThrows(VideoFormatException.class, () -> VideoFile.open(TestClips.clip(file)).close());
        assertOneLine(e, file, feature);
        assertTrue(e.getMessage().contains("ffmpeg -i") && e.getMessage().contains("libx264"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"IDX1, idx1 index", "OPENDML, OpenDML index", "NONE, movi scan"})
    void chunksAreFoundThroughEitherIndexOrByScanning(AviBuilder.Index index, String how) throws IOException {
        Path original = TestClips.clip("xvid_p.avi");
        Path rebuilt = Files.write(dir.resolve("rebuilt.avi"), AviBuilder.write(AviBuilder.chunks(original), "XVID", 64, 48, index));
        try (VideoFile a = VideoFile.open(original); VideoFile b = VideoFile.open(rebuilt)) {
            assertTrue(b.info().container().contains(how), b.info().container());
            int[] all = IntStream.range(0, a.frameCount()).toArray();
            assertEquals(a.frameCount(), b.frameCount());
            List<RgbImage> fa = a.read(all), fb = b.read(all);
            for (int i : all) assertArrayEquals(fa.get(i).pixels(), fb.get(i).pixels(), "frame " + i);
        }
    }

    @Test
    void anIndexPointingPastTheEndIsIgnoredAndTheFramesScanned() throws IOException {
        byte[] avi = AviBuilder.write(AviBuilder.chunks(TestClips.clip("xvid_p.avi")), "XVID", 64, 48, AviBuilder.Index.IDX1);
        int idx1 = indexOf(avi, "idx1");
        avi[idx1 + 8 + 16 * 3 + 8] = (byte) 0xF0; // fourth entry's offset, far past the end
        avi[idx1 + 8 + 16 * 3 + 11] = (byte) 0x7F;
        try (VideoFile video = VideoFile.open(Files.write(dir.resolve("badindex.avi"), avi))) {
            assertTrue(video.info().container().contains("movi scan"), video.info().container());
            assertEquals(12, video.read(IntStream.range(0, 12).toArray()).size());
        }
    }

    @Test
    void damagedAvisAreRefusedWithOneLineNamingTheFile() throws IOException {
        byte[] good = Files.readAllBytes(TestClips.clip("xvid_p.avi"));
        byte[] truncated = java.util.Arrays.copyOf(good, good.length / 2);
        assertRefused(write("truncated.avi", truncated), "truncated AVI");
        byte[] random = new byte[4000];
        new java.util.Random(3).nextBytes(random);
        System.arraycopy(good, 0, random, 0, 12); // a valid RIFF header, then noise
        random[4] = (byte) (random.length - 8);
        random[5] = (byte) ((random.length - 8) >> 8);
        random[6] = random[7] = 0;
        assertRefused(write("noise.avi", random), "damaged AVI");
        byte[] oversized = AviBuilder.write(AviBuilder.chunks(TestClips.clip("xvid_p.avi")), "XVID", 64, 48, AviBuilder.Index.NONE);
        int chunk = indexOf(oversized, "00dc");
        oversized[chunk + 7] = 0x7F; // a frame chunk claiming 2 GB
        assertRefused(write("oversized.avi", oversized), "past the end");
        byte[] huge = good.clone();
        huge[4] = huge[5] = huge[6] = (byte) 0xFF; // the RIFF claims 4 GB
        huge[7] = (byte) 0xFF;
        assertRefused(write("huge.avi", huge), "truncated AVI");
        List<byte[]> empty = List.of(new byte[0], new byte[0]);
        assertRefused(write("empty_frames.avi", AviBuilder.write(empty, "XVID", 64, 48, AviBuilder.Index.IDX1)), "frames are all empty");
        assertRefused(write("h264.avi", AviBuilder.write(AviBuilder.chunks(TestClips.clip("xvid_p.avi")), "H264", 64, 48, AviBuilder.Index.IDX1)),
                "AVI with H.264 video");
    }

    @Test
    void clipOpensEveryContainerByContent() throws IOException {
        for (String name : List.of("xvid_p.avi", "mpeg4.mp4", "h264.mkv", "high.mp4"))
            try (Clip clip = Clip.open(TestClips.clip(name))) {
                assertInstanceOf(VideoFile.class, clip);
                assertFalse(clip.read(0).isEmpty());
            }
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    private static void assertRefused(Path file, String found) {
        VideoFormatException e = assertThrows(VideoFormatException.class, () -> {
            try (VideoFile video = VideoFile.open(file)) {
                video.read(IntStream.range(0, video.frameCount()).toArray());
            }
        });
        assertOneLine(e, file.getFileName().toString(), found);
    }

    private static void assertOneLine(VideoFormatException e, String file, String found) {
        String m = e.getMessage();
        assertTrue(m.contains(file), m);
        assertTrue(m.contains(found), m);
        assertFalse(m.contains("\n"), m);
    }

    private static int indexOf(byte[] a, String what) {
        byte[] w = what.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        outer:
        for (int i = 0; i + w.length <= a.length; i++) {
            for (int k = 0; k < w.length; k++) if (a[i + k] != w[k]) continue outer;
            return i;
        }
        throw new AssertionError(what + " not found");
    }
}
