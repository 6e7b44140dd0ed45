package mdlora.video;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class VideoReaderTest {
    @ParameterizedTest
    @ValueSource(strings = {"baseline", "main", "high", "odd", "opengop", "trimmed"})
    void framesMatchFfmpegInPresentationOrder(String name) throws IOException {
        byte[] yuv = TestClips.reference(name, "yuv420p"), rgb = TestClips.reference(name, "rgb24");
        try (VideoReader reader = VideoReader.open(TestClips.clip(name + ".mp4"))) {
            int w = reader.info().width(), h = reader.info().height(), n = reader.frameCount();
            int yuvFrame = w * h + 2 * ((w + 1) / 2) * ((h + 1) / 2);
            assertEquals(yuv.length / yuvFrame, n, "frame count");
            int[] all = IntStream.range(0, n).toArray();
            List<byte[]> luma = reader.readLuma(all);
            List<RgbImage> frames = reader.read(all);
            for (int i = 0; i < n; i++) {
                double lumaPsnr = TestClips.psnr(luma.get(i), 0, yuv, i * yuvFrame, w * h);
                double rgbPsnr = TestClips.psnr(frames.get(i).pixels(), 0, rgb, i * 3 * w * h, 3 * w * h);
                assertTrue(lumaPsnr >= 50, name + " frame " + i + ": luma PSNR " + lumaPsnr);
                assertTrue(rgbPsnr >= 40, name + " frame " + i + ": RGB PSNR " + rgbPsnr);
            }
        }
    }

    @Test
    void framesComeInTheOrderAskedWhateverTheFileOrder() throws IOException {
        int[] order = {9, 2, 9, 0, 11, 4};
        try (VideoReader sequential = VideoReader.open(TestClips.clip("high.mp4"));
             VideoReader random = VideoReader.open(TestClips.clip("high.mp4"))) {
            List<RgbImage> all = sequential.read(IntStream.range(0, 12).toArray());
            List<RgbImage> picked = random.read(order);
            for (int i = 0; i < order.length; i++) assertArrayEquals(all.get(order[i]).pixels(), picked.get(i).pixels(), "frame " + order[i]);
            List<RgbImage> again = random.read(3, 1);
            assertArrayEquals(all.get(3).pixels(), again.get(0).pixels());
            assertArrayEquals(all.get(1).pixels(), again.get(1).pixels());
        }
    }

    @Test
    void decodesFromTheLastIdrKeyFrameOnly() throws IOException {
        try (VideoReader reader = VideoReader.open(TestClips.clip("high.mp4"))) {
            // IDR key frames at decode indices 0 and 8 (-g 8); presentation frame 10 is decoded from 8.
            int target = reader.samples().decodeIndex(10);
            reader.read(10);
            assertEquals(target - 8 + 1, reader.packetsDecoded());
        }
        try (VideoReader reader = VideoReader.open(TestClips.clip("opengop.mp4"))) {
            // Open GOP: key frames after the first are not IDR pictures, leading B-frames refer back
            // past them, so decoding has to start at the IDR picture at 0.
            int target = reader.samples().decodeIndex(17);
            assertTrue(reader.samples().syncSampleAtOrBefore(target) > 0);
            reader.read(17);
            assertEquals(target + 1, reader.packetsDecoded());
        }
    }

    @Test
    void infoDescribesTheStream() throws IOException {
        try (VideoReader reader = VideoReader.open(TestClips.clip("odd.mp4"))) {
            VideoInfo info = reader.info();
            assertEquals("MP4 (isom)", info.container());
            assertEquals("H.264", info.codec());
            assertEquals("High", info.profile());
            assertEquals(58, info.width());
            assertEquals(38, info.height());
            assertEquals(12, info.frameCount());
            assertEquals(25.0, info.fps(), 1e-9);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "tenbit.mp4           | High 10 (10-bit) profile",
            "chroma422.mp4        | High 4:2:2 (4:2:2 chroma) profile",
            "interlaced.mp4       | interlaced H.264",
            "hevc.mp4             | only H.264 and MPEG-4 Part 2 can be decoded",
            "fragmented.mp4       | fragmented MP4",
            "truncated.mp4        | truncated MP4",
            "truncated_frames.mp4 | truncated MP4",
            "random.mp4           | no known video container",
            "empty.mp4            | empty file"})
    void unreadableFilesAreRefusedOnOpenWithOneLine(String file, String found) {
        VideoFormatException e = assertThrows(VideoFormatException.class, () -> {
            try (VideoReader reader = VideoReader.open(TestClips.clip(file))) {
                reader.read(IntStream.range(0, reader.frameCount()).toArray());
            }
        });
        assertMessage(e, file, found);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "temporal.mp4  | temporal direct prediction",
            "nodeblock.mp4 | deblocking filter switched off",
            "noweightp.mp4 | weighted bi-prediction without weighted P prediction"})
    void featuresJcodecDecodesWronglyAreRefusedBeforeDecoding(String file, String found) throws IOException {
        try (VideoReader reader = VideoReader.open(TestClips.clip(file))) {
            VideoFormatException e = assertThrows(VideoFormatException.class, () -> reader.read(IntStream.range(0, reader.frameCount()).toArray()));
            assertMessage(e, file, found);
        }
    }

    @Test
    void verifyFindsUnsupportedSlicesWithoutDecoding() throws IOException {
        try (VideoReader reader = VideoReader.open(TestClips.clip("temporal.mp4"))) {
            assertMessage(assertThrows(VideoFormatException.class, reader::verify), "temporal.mp4", "temporal direct prediction");
            assertEquals(0, reader.packetsDecoded());
        }
        try (VideoReader reader = VideoReader.open(TestClips.clip("high.mp4"))) {
            reader.verify();
            assertEquals(12, reader.read(IntStream.range(0, 12).toArray()).size());
        }
    }

    private static void assertMessage(VideoFormatException e, String file, String found) {
        String m = e.getMessage();
        assertTrue(m.contains(file), m);
        assertTrue(m.contains(found), m);
        assertFalse(m.contains("\n"), m);
        assertTrue(m.contains("ffmpeg -i") || m.contains("again"), "says what to do: " + m);
    }
}
