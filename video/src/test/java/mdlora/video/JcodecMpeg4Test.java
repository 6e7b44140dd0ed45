package mdlora.video;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Watches the jcodec defect that {@link JcodecMpeg4} works around: if a jcodec version fixes the
 * time base (or drops the field), this fails, and the workaround should go.
 */
class JcodecMpeg4Test {
    @Test
    void withoutTheResetBFramesAfterTheFirstSecondDecodeWrongly() throws IOException {
        byte[] luma = TestClips.reference("xvid_b", "y");
        int n = 64 * 48;
        try (Mpeg4Reader fixed = (Mpeg4Reader) VideoFile.open(TestClips.clip("xvid_b.avi"));
             Mpeg4Reader raw = (Mpeg4Reader) VideoFile.open(TestClips.clip("xvid_b.avi"))) {
            raw.resetTimeBase = false;
            int[] all = IntStream.range(0, fixed.frameCount()).toArray();
            List<byte[]> good = fixed.readLuma(all), bad = raw.readLuma(all);
            double worstRaw = Double.POSITIVE_INFINITY;
            for (int i : all) {
                assertTrue(TestClips.psnr(good.get(i), 0, luma, i * n, n) >= 50, "frame " + i);
                worstRaw = Math.min(worstRaw, TestClips.psnr(bad.get(i), 0, luma, i * n, n));
            }
            assertTrue(worstRaw < 40, "jcodec's B-frames are right without the reset (worst " + worstRaw
                    + " dB): the time-base defect is fixed, remove the workaround in JcodecMpeg4");
        }
    }
}
