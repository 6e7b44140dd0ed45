package mdlora.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import mdlora.video.Throughput;

/**
 * W5: decoding 8 uniformly spaced frames of each clip to RGB, jcodec against {@code ffmpeg -threads 1} on the
 * same frames. The clips are the MP4s of the folder named by {@code MDLORA_W5_CLIPS}, else 10 clips of 64
 * frames at 320x240 that ffmpeg encodes (H.264) into a temporary folder. Frames per CPU second, best of 3
 * passes: both decoders are single-threaded, and on a shared machine CPU time is the steadier measure.
 */
public final class DecodeWorkload implements Workload {
    private static final int FRAMES = 8, CLIPS = 10, CLIP_FRAMES = 64, PASSES = 3;

    @Override
    public String id() {
        return "W5";
    }

    @Override
    public String description() {
        return "decode 8 frames/clip of 320x240 H.264 MP4s to RGB, jcodec vs ffmpeg -threads 1 (frames per CPU second, best of 3)";
    }

    @Override
    public List<Figure> run() {
        Path temp = null;
        try {
            String given = System.getenv("MDLORA_W5_CLIPS");
            if (given == null && !ffmpegPresent()) {
                System.err.println("mdlora bench: W5 skipped: no MDLORA_W5_CLIPS folder and no ffmpeg to make clips with");
                return List.of();
            }
            Path folder = given != null ? Path.of(given) : (temp = makeClips());
            List<Path> clips = Throughput.clips(folder);
            if (clips.isEmpty()) throw new IllegalArgumentException("W5: no .mp4 files in " + folder);
            double jcodec = 0, ffmpeg = 0;
            for (int i = 0; i < PASSES; i++) jcodec = Math.max(jcodec, Throughput.jcodec(clips, FRAMES).perCpuSecond());
            List<Figure> figures = new ArrayList<>(List.of(Figure.rate("W5_jcodec_frames_per_s", jcodec, null)));
            if (!ffmpegPresent()) {
                System.err.println("mdlora bench: W5: ffmpeg is absent, jcodec's figure alone");
                return figures;
            }
            for (int i = 0; i < PASSES; i++) ffmpeg = Math.max(ffmpeg, Throughput.ffmpeg(clips, FRAMES).perCpuSecond());
            figures.add(Figure.rate("W5_ffmpeg_frames_per_s", ffmpeg, null));
            figures.add(Figure.rate("W5_jcodec_over_ffmpeg", jcodec / ffmpeg, null));
            return figures;
        } catch (IOException e) {
            throw new UncheckedIOException("W5: " + e.getMessage(), e);
        } finally {
            if (temp != null) delete(temp);
        }
    }

    private static boolean ffmpegPresent() {
        try {
            Process p = new ProcessBuilder("ffmpeg", "-version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Ten clips of ffmpeg's moving test pattern, each 64 frames of 320x240 H.264 (yuv420p, key frame every 32). */
    private static Path makeClips() throws IOException {
        Path dir = Files.createTempDirectory("mdlora-w5-");
        for (int i = 0; i < CLIPS; i++) {
            List<String> command = List.of("ffmpeg", "-v", "error", "-nostdin", "-f", "lavfi", "-i",
                    "testsrc2=size=320x240:rate=25", "-frames:v", Integer.toString(CLIP_FRAMES),
                    "-c:v", "libx264", "-pix_fmt", "yuv420p", "-g", "32", "-y", dir.resolve("clip" + i + ".mp4").toString());
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes());
            try {
                if (p.waitFor() != 0) throw new IOException("ffmpeg could not make test clips: " + output);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while making test clips", e);
            }
        }
        return dir;
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("mdlora bench: could not remove " + dir + ": " + e.getMessage());
        }
    }
}
