package mdlora.video;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Decoding and loading speed, for the bench module's workload W5 and the notes: jcodec against
 * {@code ffmpeg -threads 1} on the same frames of the same clips, and the {@link Loader} reading
 * from a warm {@link FrameCache}. Each figure comes as wall time and CPU time of one pass (callers
 * warm up and repeat): on a shared machine the CPU time is the steadier of the two, and both
 * decoders run on one thread (jcodec in the calling thread, ffmpeg with {@code -threads 1}).
 */
public final class Throughput {
    private Throughput() {}

    /**
     * Items processed and the time it took.
     *
     * @param items      frames or clips
     * @param seconds    wall-clock time
     * @param cpuSeconds CPU time of the decoding thread (jcodec) or process (ffmpeg)
     */
    public record Result(int items, double seconds, double cpuSeconds) {
        /** {@return items per wall-clock second} */
        public double perSecond() {
            return items / seconds;
        }

        /** {@return items per CPU second} */
        public double perCpuSecond() {
            return items / cpuSeconds;
        }
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final Pattern BENCH = Pattern.compile("bench: utime=([0-9.]+)s stime=([0-9.]+)s");

    /**
     * The files of {@code folder} whose names end in {@code extension} (".mp4", ".avi"), in name order.
     *
     * @param folder    folder of clips, not searched recursively
     * @param extension file name suffix, dot included
     * @return the matching files, in name order
     * @throws IOException when the folder cannot be listed
     */
    public static List<Path> clips(Path folder, String extension) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(p -> p.getFileName().toString().endsWith(extension)).sorted().toList();
        }
    }

    /**
     * Decodes the {@code frames} evaluation frames (segment centres) of each clip to RGB with jcodec.
     *
     * @param clips  video files
     * @param frames frames per clip
     * @return frames decoded, wall time and this thread's CPU time
     * @throws IOException when a clip cannot be opened or decoded
     */
    public static Result jcodec(List<Path> clips, int frames) throws IOException {
        long start = System.nanoTime(), cpu = THREADS.getCurrentThreadCpuTime();
        int decoded = 0;
        for (Path clip : clips)
            try (VideoFile reader = VideoFile.open(clip)) {
                decoded += reader.read(FrameSampler.uniform(frames).eval(reader.frameCount())).size();
            }
        return new Result(decoded, (System.nanoTime() - start) / 1e9, (THREADS.getCurrentThreadCpuTime() - cpu) / 1e9);
    }

    /**
     * Decodes the same frames as {@link #jcodec} with {@code ffmpeg -threads 1} (one process per
     * clip, frames selected by index and converted to rgb24, output discarded). The frame counts
     * come from jcodec's reading of each file, which must open.
     *
     * @param clips  video files
     * @param frames frames per clip
     * @return frames decoded, wall time and ffmpeg's user plus system CPU time
     * @throws IOException when a clip cannot be opened or ffmpeg fails
     */
    public static Result ffmpeg(List<Path> clips, int frames) throws IOException {
        List<List<String>> commands = new ArrayList<>();
        int decoded = 0;
        for (Path clip : clips)
            try (VideoFile reader = VideoFile.open(clip)) {
                int[] idx = FrameSampler.uniform(frames).eval(reader.frameCount());
                commands.add(ffmpegCommand(clip, idx));
                decoded += idx.length;
            }
        long start = System.nanoTime();
        double cpu = 0;
        for (List<String> command : commands) {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            try {
                if (p.waitFor() != 0) throw new IOException("ffmpeg failed (exit " + p.exitValue() + "): " + String.join(" ", command) + "\n" + output);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while running ffmpeg", e);
            }
            Matcher m = BENCH.matcher(output);
            if (!m.find()) throw new IOException("ffmpeg printed no -benchmark line: " + output);
            cpu += Double.parseDouble(m.group(1)) + Double.parseDouble(m.group(2));
        }
        return new Result(decoded, (System.nanoTime() - start) / 1e9, cpu);
    }

    /**
     * The ffmpeg command line that decodes frames {@code indices} (presentation order) of {@code clip} single-threaded to rgb24, reporting its CPU time.
     *
     * @param clip    video file
     * @param indices 0-based presentation indices; repeats are decoded once
     * @return the command and its arguments
     */
    public static List<String> ffmpegCommand(Path clip, int[] indices) {
        String select = IntStream.of(indices).distinct().mapToObj(i -> "eq(n\\," + i + ")").collect(Collectors.joining("+"));
        return List.of("ffmpeg", "-v", "info", "-nostdin", "-benchmark", "-threads", "1", "-i", clip.toString(), "-an", "-vf", "select=" + select,
                "-fps_mode", "passthrough", "-frames:v", Integer.toString((int) IntStream.of(indices).distinct().count()),
                "-f", "rawvideo", "-pix_fmt", "rgb24", "-y", "/dev/null");
    }

    /**
     * One epoch of {@code loader}, timed: clips delivered; the CPU time is the whole JVM's (workers included).
     *
     * @param loader the loader to drain
     * @param epoch  0-based epoch number
     * @return clips delivered, wall time and process CPU time
     */
    public static Result loaderEpoch(Loader loader, int epoch) {
        long start = System.nanoTime(), cpu = processCpuNanos();
        int clips = 0;
        try (Loader.Epoch batches = loader.epoch(epoch)) {
            while (batches.hasNext()) clips += batches.next().size();
        }
        return new Result(clips, (System.nanoTime() - start) / 1e9, (processCpuNanos() - cpu) / 1e9);
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
