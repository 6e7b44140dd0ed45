package mdlora.cluster;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import mdlora.launcher.Main;
import mdlora.launcher.config.DomainSpec;
import mdlora.launcher.config.Settings;
import mdlora.launcher.run.RunDir;
import mdlora.launcher.train.FineTuning;
import mdlora.launcher.train.StepCompute;
import mdlora.launcher.train.StopSignal;
import mdlora.tensor.io.SafetensorsFile;
import mdlora.video.SyntheticVideos;

/**
 * A tiny fine-tuning run shared by the cluster tests: three synthetic domains of 32x32 clips and a
 * two-block backbone pretrained for two steps, trained for a few steps in one process or on a cluster.
 */
final class TinyRun {
    private TinyRun() {}

    /** The synthetic dataset and the tiny backbone, made in {@code dir}. */
    record Workspace(Path data, Path backbone) {
        static Workspace make(Path dir) throws IOException {
            Path data = dir.resolve("data");
            SyntheticVideos.generate(data, new SyntheticVideos.Config(0, 32, 32, 4, 2, 1));
            Path pretrain = dir.resolve("pretrain");
            PrintStream out = System.out;
            System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            try {
                int code = Main.run("pretrain", "--out", pretrain.toString(), "--steps", "2", "--width", "32", "--depth", "2", "--heads", "2",
                        "--mlp-dim", "64", "--patch", "8", "--image-size", "32", "--batch", "4", "--eval-every", "0", "--threads", "2");
                if (code != 0) throw new AssertionError("pretraining the tiny backbone exited " + code);
            } finally {
                System.setOut(out);
            }
            return new Workspace(data, pretrain.resolve("backbone/model.safetensors"));
        }

        /** A run of {@code steps} steps at global batch {@code batch}, checkpointing every step, evaluating at the end. */
        Settings config(int batch, int steps) {
            Settings c = new Settings();
            c.model.backbone = backbone.toString();
            c.data.imageSize = 32;
            c.data.frames = 2;
            c.data.decodeThreads = 1;
            c.data.cache = "";
            c.train.batch = batch;
            c.train.steps = steps;
            c.train.warmup = 1;
            c.train.evalEvery = 0;
            c.train.checkpointEvery = 1;
            c.train.threads = 2;
            c.lora.rankShared = 2;
            c.lora.rankDomain = 2;
            for (String d : SyntheticVideos.domainNames()) c.data.domains.add(DomainSpec.parse(d + "=synthetic:" + data));
            return c;
        }
    }

    /** Trains {@code config} in {@code dir} (a new run, or the one there) with {@code compute}. */
    static FineTuning.Outcome train(Settings config, Path dir, int stopAfter, StepCompute compute) throws IOException {
        RunDir run = Files.exists(dir.resolve("config.json")) ? RunDir.open(dir) : RunDir.create(dir, "train");
        run.writeSettings(config);
        try (StopSignal stop = StopSignal.manual()) {
            return FineTuning.prepare(config).train(run, stopAfter, stop, compute);
        }
    }

    /** Trains on {@code settings}' cluster. */
    static FineTuning.Outcome trainOnCluster(Settings config, Path dir, int stopAfter, ClusterSettings settings) throws IOException {
        try (ClusterCompute compute = new ClusterCompute(settings, config)) {
            return train(config, dir, stopAfter, compute);
        }
    }

    /** The checkpoint's tensors by name. */
    static Map<String, float[]> checkpoint(Path dir) throws IOException {
        Map<String, float[]> out = new LinkedHashMap<>();
        try (var f = SafetensorsFile.open(dir.resolve("checkpoint.safetensors"))) {
            for (String name : f.names()) out.put(name, f.tensor(name).toArray());
        }
        return out;
    }

    /** The trainable weights ({@code param.*}) of a checkpoint. */
    static Map<String, float[]> weights(Path dir) throws IOException {
        Map<String, float[]> out = new LinkedHashMap<>();
        checkpoint(dir).forEach((k, v) -> {
            if (k.startsWith("param.")) out.put(k, v);
        });
        return out;
    }

    /**
     * The largest relative difference ||a - b|| / ||b|| of a tensor over all tensors. (Element by element,
     * three AdamW steps amplify the rounding of a differently ordered sum on a LoRA B factor grown from zero
     * to about 1e-5 of the factor's largest value; in norm it stays near 1e-6.)
     */
    static double maxRelativeDifference(Map<String, float[]> a, Map<String, float[]> b) {
        if (!a.keySet().equals(b.keySet())) throw new AssertionError("different tensors: " + a.keySet() + " vs " + b.keySet());
        double worst = 0;
        for (var e : a.entrySet()) {
            float[] x = e.getValue(), y = b.get(e.getKey());
            double diff = 0, norm = 0;
            for (int i = 0; i < x.length; i++) {
                diff += (double) (x[i] - y[i]) * (x[i] - y[i]);
                norm += (double) y[i] * y[i];
            }
            if (norm > 0) worst = Math.max(worst, Math.sqrt(diff / norm));
            else if (diff > 0) return Double.POSITIVE_INFINITY;
        }
        return worst;
    }

}
