package mdlora.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import mdlora.launcher.config.Config;
import mdlora.launcher.config.Knob;
import mdlora.launcher.model.HubConfig;
import mdlora.launcher.pretrain.PretrainJob;
import mdlora.launcher.pretrain.ShapeImages;
import mdlora.launcher.report.RunReport;
import mdlora.launcher.run.RunDir;
import mdlora.launcher.train.Optimization;
import mdlora.launcher.train.StopSignal;
import mdlora.launcher.train.Trainer;
import mdlora.nn.ViTConfig;
import mdlora.nn.VisionTransformer;
import mdlora.tensor.io.SafetensorsWriter;

/**
 * {@code mdlora pretrain}: the stand-in for ImageNet pretraining. Trains a small ViT from scratch to
 * name the shape in synthetic still images and writes it, without its head, as a timm-layout
 * checkpoint with its hub config ({@code RUN_DIR/backbone/}): the backbone {@code train} starts from.
 */
public final class PretrainCommand implements Command {
    static final RunOptions OPTIONS = new RunOptions("pretrain", List.of("pretrain", "train"), Knob.IMAGE_SIZE, Knob.HEADS);

    /** The settings of the shipped backbone; {@code mdlora pretrain --threads 2} reproduces it bit for bit. */
    static Config preset() {
        return Config.defaults()
                .with(Knob.IMAGE_SIZE, 48).with(Knob.WIDTH, 96).with(Knob.DEPTH, 4).with(Knob.HEADS, 3).with(Knob.MLP_DIM, 384).with(Knob.PATCH, 8)
                .with(Knob.STEPS, 10000).with(Knob.BATCH, 32).with(Knob.LR, 1e-3).with(Knob.WARMUP, 100)
                .with(Knob.WEIGHT_DECAY, 0.05).with(Knob.LABEL_SMOOTHING, 0.1).with(Knob.GRAD_CLIP, 1.0)
                .with(Knob.EVAL_EVERY, 1000).with(Knob.CHECKPOINT_EVERY, 1000);
    }

    @Override
    public Set<String> options() {
        return OPTIONS.valued();
    }

    @Override
    public String name() {
        return "pretrain";
    }

    @Override
    public String summary() {
        return "pretrain a small ViT on synthetic still images (the shipped backbone)";
    }

    @Override
    public String usage() {
        return OPTIONS.usage("[options]", """
                Trains a ViT from scratch to name the shape (one of %s) drawn over random
                textures, and writes RUN_DIR/backbone/{model.safetensors, config.json}: the backbone without its
                head, in timm's layout. The shipped backbone is `mdlora pretrain --threads 2` (the defaults below).""".formatted(ShapeImages.CLASSES),
                preset());
    }

    @Override
    public int run(String[] argv) throws IOException {
        Args args = OPTIONS.parse(argv);
        RunOptions.Session session = OPTIONS.session(args, preset());
        Config config = session.config();
        PretrainJob job = new PretrainJob(config);
        RunDir run = session.open();
        int steps = config.integer(Knob.STEPS);
        var optimization = Optimization.of(config, job.trainable(), steps);
        var settings = new Trainer.Settings(steps, config.integer(Knob.EVAL_EVERY), config.integer(Knob.CHECKPOINT_EVERY),
                config.number(Knob.GRAD_CLIP), RunOptions.stopAfter(args));
        System.err.println("mdlora pretrain: " + describe(job.model().config()) + " -> " + run.path());
        Trainer.Result result;
        try (StopSignal stop = StopSignal.install()) {
            result = new Trainer(run, settings, job, optimization.optimizer(), optimization.scheduler(), stop).run();
            if (result.stopped()) {
                System.out.println("stopped after step " + result.steps() + "; checkpoint saved. Continue with: mdlora pretrain --resume " + run.path());
                return stop.requested() ? 130 : 0;
            }
        }
        Path backbone = writeBackbone(job.model(), run.file("backbone"));
        RunReport.write(run, "pretrain");
        System.out.printf(Locale.ROOT, "held-out shape accuracy %.1f%% after %d steps%nbackbone: %s%n",
                100 * result.accuracy().get("shapes"), result.steps(), backbone);
        return 0;
    }

    /** Saves the model without its head (timm's names) and the hub config beside it. */
    private static Path writeBackbone(VisionTransformer model, Path dir) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve("model.safetensors");
        var state = new LinkedHashMap<>(model.stateDict());
        state.keySet().removeIf(k -> k.startsWith("head."));
        var writer = new SafetensorsWriter().metadata("format", "pt");
        state.forEach(writer::put);
        writer.write(file);
        HubConfig.write(dir, model.config().withNumClasses(0), List.of());
        return file;
    }

    static String describe(ViTConfig c) {
        return String.format(Locale.ROOT, "ViT width %d, depth %d, %d heads, MLP %d, patch %d, %dx%d px", c.width(), c.depth(), c.heads(), c.mlpDim(),
                c.patchSize(), c.imageSize(), c.imageSize());
    }
}
