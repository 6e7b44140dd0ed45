package mdlora.launcher;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import mdlora.video.SyntheticVideos;

/**
 * Runs the launcher's own entry point in-process, capturing what it prints, on a tiny workspace shared
 * by the tests: a synthetic dataset of 32x32 clips and a tiny backbone made by {@code mdlora pretrain}.
 */
final class Launcher {
    /** Exit code, standard output and standard error of one command. */
    record Result(int code, String out, String err) {}

    private Launcher() {}

    static synchronized Result run(String... args) {
        PrintStream out = System.out, err = System.err;
        var outBytes = new ByteArrayOutputStream();
        var errBytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(outBytes, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
        try {
            int code = Main.run(args);
            return new Result(code, outBytes.toString(StandardCharsets.UTF_8), errBytes.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    /** Runs a command that must succeed. */
    static Result ok(String... args) {
        Result r = run(args);
        if (r.code() != 0) throw new AssertionError("mdlora " + String.join(" ", args) + " exited " + r.code() + ":\n" + r.err() + r.out());
        return r;
    }

    /** A dataset of 2 training and 1 test clip per class, 4 frames of 32x32, in {@code dir}. */
    static Path tinyDataset(Path dir) throws IOException {
        SyntheticVideos.generate(dir, new SyntheticVideos.Config(0, 32, 32, 4, 2, 1));
        return dir;
    }

    /** A backbone (ViT width 32, depth 2, 2 heads, patch 8, 32x32 px) pretrained for two steps, in {@code dir}. */
    static Path tinyBackbone(Path dir) {
        ok("pretrain", "--out", dir.toString(), "--steps", "2", "--width", "32", "--depth", "2", "--heads", "2", "--mlp-dim", "64",
                "--patch", "8", "--image-size", "32", "--batch", "4", "--eval-every", "0", "--threads", "2");
        return dir.resolve("backbone/model.safetensors");
    }

    /**
     * Flags of a tiny training run on the three synthetic domains of {@code data} from {@code backbone}, decoding
     * every time (no frame cache: the tests leave the repository's {@code .cache/frames} alone).
     */
    static List<String> tinyTraining(Path data, Path backbone, String... more) {
        List<String> args = new ArrayList<>(List.of("--backbone", backbone.toString(), "--image-size", "32", "--frames", "2", "--batch", "4",
                "--steps", "6", "--warmup", "2", "--eval-every", "3", "--checkpoint-every", "3", "--rank-shared", "2", "--rank-domain", "2",
                "--threads", "2", "--decode-threads", "2", "--cache", ""));
        for (String d : SyntheticVideos.domainNames()) args.addAll(List.of("--domain", d + "=synthetic:" + data));
        args.addAll(List.of(more));
        return args;
    }

    /** {@code command}, then {@code flags}, then {@code more}, as one command line. */
    static String[] line(String command, List<String> flags, String... more) {
        List<String> all = new ArrayList<>();
        all.add(command);
        all.addAll(flags);
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }
}
