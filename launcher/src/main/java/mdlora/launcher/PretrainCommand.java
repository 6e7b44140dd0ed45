package mdlora.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import mdlora.launcher.config.Preset;
import mdlora.launcher.config.Settings;
import mdlora.launcher.model.HubConfig;
import mdlora.launcher.pretrain.PretrainJob;
import mdlora.launcher.report.RunReport;
import mdlora.launcher.run.RunDir;
import mdlora.launcher.run.RunLock;
import mdlora.launcher.train.Optimization;
import mdlora.launcher.train.StopSignal;
import mdlora.launcher.train.Trainer;
import mdlora.nn.ViTConfig;
import mdlora.nn.VisionTransformer;
import mdlora.tensor.io.SafetensorsWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code mdlora pretrain}: the stand-in for ImageNet pretraining. Trains a small ViT from scratch to
 * name the shape in synthetic still images and writes it, without its head, as a timm-layout
 * checkpoint with its hub config ({@code RUN_DIR/backbone/}): the backbone {@code train} starts from.
 */
@Command(name = "pretrain", header = "pretrain a small ViT on synthetic still images (the shipped backbone)",
        description = {"Trains a ViT from scratch to name the shape (eight kinds: star, hexagon, ...) drawn over random textures, "
                + "and writes RUN_DIR/backbone/{model.safetensors, config.json}: the backbone without its head, in "
                + "timm's layout. The shipped backbone is `mdlora pretrain --threads 2` (the defaults below)."})
final class PretrainCommand implements Callable<Integer> {
    final Settings settings = preset();
    @Mixin RunFlags run;
    @Mixin Settings.Pretrain pretrain = settings.pretrain;
    @Mixin Settings.Train train = settings.train;

    /** The settings of the shipped backbone ({@code presets/pretrain.json}); {@code mdlora pretrain --threads 2} reproduces it bit for bit. */
    static Settings preset() {
        return Preset.named("pretrain").applyTo(Settings.forPretraining(), Set.of());
    }

    /** The new ViT's frame size and heads, which live in the data and model sections ({@code train} reads them too). */
    @Spec
    void addImageSizeAndHeads(CommandSpec spec) {
        spec.addOption(CommandSpec.forAnnotatedObject(settings.data).findOption("--image-size"));
        spec.addOption(CommandSpec.forAnnotatedObject(settings.model).findOption("--heads"));
    }

    @Override
    public Integer call() throws IOException {
        RunFlags.Session session = run.session(settings);
        Settings config = session.settings();
        PretrainJob job = new PretrainJob(config);
        RunDir dir = session.open();
        int steps = config.train.steps;
        var optimization = Optimization.of(config, job.trainable(), steps);
        var trainer = new Trainer.Settings(steps, config.train.evalEvery, config.train.checkpointEvery, config.train.gradClip, run.stopAfter());
        System.err.println("mdlora pretrain: " + describe(job.model().config()) + " -> " + dir.path());
        Trainer.Result result;
        Path backbone;
        try (RunLock lock = RunLock.acquire(dir); StopSignal stop = StopSignal.install()) {
            result = new Trainer(dir, trainer, job, optimization.optimizer(), optimization.scheduler(), stop).run(step -> dir.recordChanges(config, session.changes(), step));
            if (result.stopped()) {
                System.out.println("stopped after step " + result.steps() + "; checkpoint saved. Continue with: mdlora pretrain --resume " + dir.path());
                return stop.requested() ? 130 : 0;
            }
            backbone = writeBackbone(job.model(), dir.file("backbone"));
            RunReport.write(dir, "pretrain");
        }
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
