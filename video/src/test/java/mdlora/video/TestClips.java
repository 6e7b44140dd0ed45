package mdlora.video;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** The clips and ffmpeg reference frames made by src/test/scripts/make_clips.sh. */
final class TestClips {
    private TestClips() {}

    static Path clip(String name) {
        try {
            return Path.of(TestClips.class.getResource("/clips/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("missing test resource clips/" + name, e);
        }
    }

    /** ffmpeg's frames of clip {@code name}, all in presentation order, in the given pixel format (yuv420p, y (luma only) or rgb24). */
    static boolean hasReference(String name, String pixelFormat) {
        return TestClips.class.getResource("/clips/" + name + "." + pixelFormat + ".gz") != null;
    }

    static byte[] reference(String name, String pixelFormat) {
        try (InputStream in = new GZIPInputStream(TestClips.class.getResourceAsStream("/clips/" + name + "." + pixelFormat + ".gz"))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Peak signal-to-noise ratio in dB of {@code n} bytes of {@code a} and {@code b} from the given offsets (infinite when equal). */
    static double psnr(byte[] a, int aOffset, byte[] b, int bOffset, int n) {
        double se = 0;
        for (int i = 0; i < n; i++) {
            int d = (a[aOffset + i] & 0xFF) - (b[bOffset + i] & 0xFF);
            se += d * d;
        }
        return se == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(255.0 * 255.0 * n / se);
    }
}
