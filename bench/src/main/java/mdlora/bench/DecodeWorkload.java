package mdlora.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import mdlora.video.ClipRecord;
import mdlora.video.ClipSource;
import mdlora.video.ClipTransform;
import mdlora.video.Dataset;
import mdlora.video.FrameSampler;
import mdlora.video.Loader;
import mdlora.video.Throughput;

/**
 * W5: decoding 8 uniformly spaced frames of each clip to RGB, jcodec against {@code ffmpeg -threads 1} on the
 * same frames, for H.264 in MP4 and, as UCF101 and HMDB51 ship, MPEG-4 Part 2 (Xvid) in AVI; and the
 * {@link Loader}'s clips per second over the AVIs at 8 frames per clip (2 workers, no frame cache). The clips
 * are the .mp4 and .avi files of the folder named by {@code MDLORA_W5_CLIPS}, else 10 clips of each kind, 64
 * frames at 320x240 (key frame every 32), that ffmpeg encodes into a temporary folder. Frames per CPU second,
 * best of 3 passes: both decoders are single-threaded, and on a shared machine CPU time is the steadier measure.
 */
public final class DecodeWorkload implements Workload {
    private static final int FRAMES = 8, CLIPS = 10, CLIP_FRAMES = 64, PASSES = 3;

    @Override
    public String id() {
        return "W5";
    }

    @Override
    public String description() {
        return "decode 8 frames/clip of 320x240 H.264 MP4s and Xvid AVIs to RGB, jcodec vs ffmpeg -threads 1 (frames per CPU second, best of 3); loader clips/s on the AVIs";
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
            List<Figure> figures = new ArrayList<>();
            decoding("W5", Throughput.clips(folder, ".mp4"), figures);
            List<Path> avis = Throughput.clips(folder, ".avi");
            decoding("W5_avi", avis, figures);
            if (!avis.isEmpty()) figures.add(Figure.rate("W5_avi_loader_clips_per_s", loaderClipsPerSecond(avis), null));
            if (figures.isEmpty()) throw new IllegalArgumentException("W5: no .mp4 or .avi files in " + folder);
            return figures;
        } catch (IOException e) {
            throw new UncheckedIOException("W5: " + e.getMessage(), e);
        } finally {
            if (temp != null) delete(temp);
        }
    }

    /** jcodec's and ffmpeg's frames per CPU second on {@code clips} (best of the passes), as figures named {@code prefix}_... */
    private static void decoding(String prefix, List<Path> clips, List<Figure> figures) throws IOException {
        if (clips.isEmpty()) return;
        double jcodec = 0, ffmpeg = 0;
        for (int i = 0; i < PASSES; i++) jcodec = Math.max(jcodec, Throughput.jcodec(clips, FRAMES).perCpuSecond());
        figures.add(Figure.rate(prefix + "_jcodec_frames_per_s", jcodec, null));
        if (!ffmpegPresent()) {
            System.err.println("mdlora bench: " + prefix + ": ffmpeg is absent, jcodec's figure alone");
            return;
        }
        for (int i = 0; i < PASSES; i++) ffmpeg = Math.max(ffmpeg, Throughput.ffmpeg(clips, FRAMES).perCpuSecond());
        figures.add(Figure.rate(prefix + "_ffmpeg_frames_per_s", ffmpeg, null));
        figures.add(Figure.rate(prefix + "_jcodec_over_ffmpeg", jcodec / ffmpeg, null));
    }

    /** Clips per wall second of a loader (2 workers, batches of 4, no cache) over {@code clips}, best of the passes after one warm-up. */
    private static double loaderClipsPerSecond(List<Path> clips) {
        Dataset data = new Dataset("w5", List.of("clip"), clips.stream().map(p -> new ClipRecord(p, 0)).toList());
        ClipSource source = new ClipSource(FrameSampler.uniform(FRAMES), new ClipTransform(64, 64, new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.5f, 0.5f, 0.5f}), null);
        double best = 0;
        try (Loader loader = new Loader(List.of(data), source, new Loader.Options(4, 2, 2, 0, false, Loader.Mixing.MIXED), line -> System.err.println("mdlora bench: W5: " + line))) {
            for (int i = 0; i <= PASSES; i++) {
                Throughput.Result r = Throughput.loaderEpoch(loader, i);
                if (i > 0) best = Math.max(best, r.perSecond());
            }
        }
        return best;
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

    /**
     * Ten clips of ffmpeg's moving test pattern of each kind, 64 frames of 320x240 with a key frame every 32: H.264
     * MP4s (yuv420p) and Xvid AVIs as UCF101's (P-frames only; ffmpeg's mpeg4 encoder on one thread, tagged XVID,
     * which needs no libxvid).
     */
    private static Path makeClips() throws IOException {
        Path dir = Files.createTempDirectory("mdlora-w5-");
        for (int i = 0; i < 2 * CLIPS; i++) {
            boolean avi = i >= CLIPS;
            List<String> command = new ArrayList<>(List.of("ffmpeg", "-v", "error", "-nostdin", "-f", "lavfi", "-i",
                    "testsrc2=size=320x240:rate=25", "-frames:v", Integer.toString(CLIP_FRAMES), "-g", "32"));
            command.addAll(avi ? List.of("-c:v", "mpeg4", "-threads", "1", "-q:v", "4", "-vtag", "XVID") : List.of("-c:v", "libx264", "-pix_fmt", "yuv420p"));
            command.addAll(List.of("-y", dir.resolve("clip" + (i % CLIPS) + (avi ? ".avi" : ".mp4")).toString()));
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
