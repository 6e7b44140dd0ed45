package mdlora.launcher.pretrain;

import java.util.Map;
import mdlora.autograd.Autograd;
import mdlora.autograd.Functional;
import mdlora.autograd.Variable;
import mdlora.launcher.config.Settings;
import mdlora.launcher.train.TrainingJob;
import mdlora.nn.VisionTransformer;
import mdlora.nn.ViTConfig;
import mdlora.tensor.Rng;
import mdlora.tensor.Tensor;

/**
 * Pretraining a ViT from scratch to name the shape in {@link ShapeImages}: every parameter trains,
 * every step sees fresh images (step t's batch is images t*B .. t*B+B-1 of the seeded stream), and the
 * held-out images come from a stream of their own.
 */
public final class PretrainJob implements TrainingJob {
    private static final long HELD_OUT_STREAM = 0x5EED_0F_E7A1L;
    private static final int HELD_OUT_IMAGES = 512, EVAL_CHUNK = 64;

    private final VisionTransformer model;
    private final ShapeImages train, heldOut;
    private final int batch;
    private final float labelSmoothing;

    public PretrainJob(Settings config) {
        int size = config.data.imageSize, seed = config.train.seed;
        this.model = new VisionTransformer(architecture(config), new Rng(seed));
        this.train = new ShapeImages(size, seed);
        this.heldOut = new ShapeImages(size, HELD_OUT_STREAM + seed);
        this.batch = config.train.batch;
        this.labelSmoothing = (float) config.train.labelSmoothing;
    }

    /** The ViT the config describes, with a head over the shape classes and mean = std = 0.5. */
    public static ViTConfig architecture(Settings config) {
        int width = config.pretrain.width, heads = config.model.heads;
        Settings.Range.POSITIVE.check("data.image_size (--image-size) of a new ViT", config.data.imageSize);
        return new ViTConfig(config.data.imageSize, config.pretrain.patch, width, config.pretrain.depth,
                heads == 0 ? Math.max(1, width / 32) : heads, config.pretrain.mlpDim, ShapeImages.CLASSES.size(), 1e-6f,
                ViTConfig.HALF, ViTConfig.HALF);
    }

    public VisionTransformer model() {
        return model;
    }

    @Override
    public Map<String, Variable> trainable() {
        return model.namedParameters();
    }

    @Override
    public StepLoss loss(int step) {
        ShapeImages.Batch b = train.batch((long) step * batch, batch);
        Variable loss = Functional.crossEntropy(model.forward(Variable.constant(normalise(b.images()))), b.labels(), labelSmoothing);
        return new StepLoss(loss, Map.of());
    }

    @Override
    public Map<String, Double> evaluate(int step, boolean last) {
        model.eval();
        int correct = 0;
        try (var noGrad = Autograd.noGrad()) {
            for (int first = 0; first < HELD_OUT_IMAGES; first += EVAL_CHUNK) {
                ShapeImages.Batch b = heldOut.batch(first, EVAL_CHUNK);
                Tensor predicted = model.forward(Variable.constant(normalise(b.images()))).data().argmax(1);
                for (int i = 0; i < EVAL_CHUNK; i++) if ((int) predicted.get(i) == b.labels()[i]) correct++;
            }
        } finally {
            model.train(true);
        }
        return Map.of("shapes", (double) correct / HELD_OUT_IMAGES);
    }

    private Tensor normalise(Tensor images) {
        ViTConfig c = model.config();
        Tensor mean = Tensor.of(c.mean().toArray(), 1, 3, 1, 1), std = Tensor.of(c.std().toArray(), 1, 3, 1, 1);
        return images.sub(mean).div(std);
    }
}
