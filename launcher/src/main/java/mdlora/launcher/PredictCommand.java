package mdlora.launcher;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import mdlora.autograd.Autograd;
import mdlora.autograd.Variable;
import mdlora.launcher.data.ClipPipeline;
import mdlora.launcher.run.RunDir;
import mdlora.launcher.train.TrainedRun;
import mdlora.lora.video.VideoClassifier;
import mdlora.nn.ViTCheckpoint;
import mdlora.nn.VisionTransformer;
import mdlora.tensor.Rng;
import mdlora.tensor.Shape;
import mdlora.tensor.Tensor;
import mdlora.tensor.io.SafetensorsFile;
import mdlora.tensor.io.SafetensorsWriter;
import mdlora.video.ClipSource;
import mdlora.video.VideoFormatException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code mdlora predict}: the top-5 classes of clips under a run's model for one domain (LoRAs merged
 * into the weights), or, for checking against other frameworks, the logits of a bare timm or Hugging
 * Face ViT checkpoint on a tensor of frames.
 */
@Command(name = "predict", header = "top-5 classes of clips for a domain of a run; or logits of a bare ViT checkpoint on frames",
        customSynopsis = {"mdlora predict --run RUN_DIR --domain D CLIP...",
                "mdlora predict --weights FILE [--heads N] --input FRAMES.safetensors --out LOGITS.safetensors"},
        description = {"The first form prints the top-5 classes of each CLIP (an MP4 file or a folder of frames) with their probabilities, "
                + "under the run's model for domain D with the shared and D's LoRAs merged into the weights.",
                "The second runs a timm or Hugging Face ViT checkpoint as a late-fusion video classifier (class token after the final norm, "
                + "averaged over the T frames, then the checkpoint's head) on the one float tensor [B, T, 3, H, W] of FRAMES (already "
                + "normalised), and writes 'logits' [B, C]. Patch size, width, depth and classes come from the tensor shapes; attention "
                + "heads from --heads or a config.json beside FILE."})
final class PredictCommand implements Callable<Integer> {
    private static final int TOP = 5;

    @Option(names = "--run", paramLabel = "RUN_DIR", description = "the run folder")
    Path run;
    @Option(names = "--domain", paramLabel = "D", description = "the domain whose model classifies the clips")
    String domain;
    @Parameters(paramLabel = "CLIP", arity = "0..*", description = "MP4 files or folders of frames")
    List<Path> clips = new ArrayList<>();
    @Option(names = "--weights", paramLabel = "FILE", description = "a timm or Hugging Face ViT checkpoint (second form)")
    Path weights;
    @Option(names = "--heads", paramLabel = "N", description = "its attention heads (default: from a config.json beside FILE)")
    Integer heads;
    @Option(names = "--input", paramLabel = "FRAMES", description = "safetensors file of one float tensor [B, T, 3, H, W]")
    Path input;
    @Option(names = "--out", paramLabel = "LOGITS", description = "where the logits go")
    Path out;

    @Override
    public Integer call() throws IOException {
        return weights != null ? logits() : topClasses();
    }

    private int topClasses() throws IOException {
        if (run == null || domain == null) throw new UserError("needs --run RUN_DIR and --domain D (mdlora predict --help shows the usage)");
        RunDir dir = RunDir.open(UserError.existing(run, "--run"));
        if (clips.isEmpty()) throw new UserError("no clips given (mdlora predict --run RUN_DIR --domain D CLIP...)");
        for (Path clip : clips) UserError.existing(clip, "clip");
        TrainedRun trained = TrainedRun.load(dir);
        int d = trained.domainIndex(domain);
        List<String> classes = trained.classes().get(domain);
        VideoClassifier model = trained.model().classifier();
        if (trained.model().lora() != null) trained.model().lora().merge(domain);
        model.eval();
        ClipSource source = ClipPipeline.source(trained.config(), trained.model().backboneConfig());
        List<String> unreadable = new ArrayList<>();
        try (var noGrad = Autograd.noGrad()) {
            for (Path clip : clips) {
                Tensor input;
                try {
                    input = source.eval(clip).unsqueeze(0);
                } catch (IOException e) { // one bad clip among many: predict the rest, then fail naming it
                    unreadable.add(e instanceof VideoFormatException ? e.getMessage() : clip + ": " + Main.describe(e));
                    continue;
                }
                Tensor logits = model.forward(Variable.constant(input), new int[] {d}).groups().getFirst().logits().data();
                for (int c = 0; c < logits.size(1); c++)
                    if (!Float.isFinite(logits.get(0, c)))
                        throw new UserError(dir.checkpoint() + " (step " + trained.steps() + ") gives non-finite logits (" + logits.get(0, c)
                                + ") for " + clip + ": the model has diverged");
                Tensor probabilities = logits.softmax(1);
                System.out.println(clip);
                for (int c : topIndices(probabilities, Math.min(TOP, classes.size())))
                    System.out.printf(Locale.ROOT, "  %6.2f%%  %s%n", 100 * probabilities.get(0, c), classes.get(c));
            }
        }
        if (!unreadable.isEmpty())
            throw new UserError(unreadable.size() + " of " + clips.size() + " clips could not be read" + (unreadable.size() < clips.size()
                    ? " (the others are predicted above)" : "") + ": " + String.join("; ", unreadable));
        return 0;
    }

    private static int[] topIndices(Tensor probabilities, int k) {
        Integer[] order = new Integer[probabilities.size(1)];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Float.compare(probabilities.get(0, b), probabilities.get(0, a)));
        return Arrays.stream(order).limit(k).mapToInt(Integer::intValue).toArray();
    }

    private int logits() throws IOException {
        if (input == null || out == null) throw new UserError("--weights needs --input FRAMES.safetensors and --out LOGITS.safetensors");
        UserError.existing(weights, "--weights");
        UserError.existing(input, "--input");
        ViTCheckpoint checkpoint;
        try {
            checkpoint = ViTCheckpoint.read(weights);
            if (heads != null) checkpoint = ViTCheckpoint.of(checkpoint.state(), heads);
        } catch (IllegalArgumentException e) {
            throw new UserError("cannot use " + weights + " as a ViT checkpoint: " + e.getMessage());
        }
        var c = checkpoint.config();
        if (c.numClasses() == 0) throw new UserError(weights + " has no head (head.weight / classifier.weight): nothing to classify with");
        Tensor frames = readFrames(input);
        if (frames.size(3) != frames.size(4) || frames.size(3) % c.patchSize() != 0)
            throw new UserError(input + ": frames must be square with a side that is a multiple of the patch size " + c.patchSize() + ", got " + Shape.str(frames.shape()));
        VideoClassifier model = lateFusion(checkpoint, frames.size(3));
        Tensor logits;
        try (var noGrad = Autograd.noGrad()) {
            logits = model.forward(Variable.constant(frames), new int[frames.size(0)]).groups().getFirst().logits().data();
        }
        new SafetensorsWriter().metadata("format", "pt").put("logits", logits).write(out);
        System.out.println("logits " + Shape.str(logits.shape()) + " -> " + out);
        return 0;
    }

    /** The checkpoint as a one-domain late-fusion classifier at {@code imageSize} pixels, its head the domain's. */
    private static VideoClassifier lateFusion(ViTCheckpoint checkpoint, int imageSize) {
        var c = checkpoint.config();
        var backbone = new VisionTransformer(c.withNumClasses(0).withImageSize(imageSize), new Rng(0));
        checkpoint.loadInto(backbone, ViTCheckpoint.Mode.BACKBONE);
        var model = new VideoClassifier(backbone, List.of(new VideoClassifier.Domain("checkpoint", c.numClasses())), 0, new Rng(0));
        var head = new LinkedHashMap<String, Tensor>();
        head.put("weight", checkpoint.state().get("head.weight"));
        head.put("bias", checkpoint.state().get("head.bias"));
        model.module("heads.0").loadStateDict(head, true);
        model.eval();
        return model;
    }

    private static Tensor readFrames(Path input) throws IOException {
        try (var f = SafetensorsFile.open(input)) {
            if (f.names().size() != 1) throw new UserError(input + " must hold exactly one tensor [B, T, 3, H, W], it holds " + f.names());
            Tensor t = f.tensor(f.names().getFirst());
            if (t.rank() != 5 || t.size(2) != 3) throw new UserError(input + ": the frames must be [B, T, 3, H, W], got " + Shape.str(t.shape()));
            return t;
        }
    }
}
