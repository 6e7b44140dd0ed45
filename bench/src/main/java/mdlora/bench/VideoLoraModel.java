package mdlora.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.List;
import mdlora.autograd.Autograd;
import mdlora.autograd.Variable;
import mdlora.lora.LoraConfig;
import mdlora.lora.Placement;
import mdlora.lora.video.VideoClassifier.Domain;
import mdlora.lora.video.VideoClassifier;
import mdlora.nn.ViTConfig;
import mdlora.nn.VisionTransformer;
import mdlora.nn.optim.AdamW;
import mdlora.tensor.Rng;
import mdlora.tensor.Tensor;

/**
 * The model of W3 and W4: ViT-Tiny/16 at 112 px, late fusion over 8 frames, heads of 101/400/51 classes,
 * all-flat shared + domain LoRA of rank 32 held to the subspaces of W (tau 0.95), backbone frozen, and one
 * batch of 4 clips, all of domain 0, as torch_reference.py builds them.
 */
final class VideoLoraModel {
    private static final int CLIPS = 4, FRAMES = 8, IMAGE = 112;
    /** torch.optim.AdamW's default weight decay. */
    private static final double WEIGHT_DECAY = 0.01;

    private final VideoClassifier model;
    private final AdamW optimizer;
    private final Variable clips;
    private final int[] domains = new int[CLIPS];
    private final int[] labels;

    VideoLoraModel() {
        Rng rng = new Rng(0);
        ViTConfig config = ViTConfig.tiny16().withImageSize(IMAGE).withNumClasses(0);
        model = new VideoClassifier(new VisionTransformer(config, rng),
                List.of(new Domain("ucf101", 101), new Domain("k400", 400), new Domain("hmdb51", 51)), 0f, rng);
        LoraConfig lora = LoraConfig.builder().placement(Placement.allFlat()).rank(32).subspaceConstraints(true).tau(0.95).build();
        model.attachLora(lora, rng);
        optimizer = new AdamW(model.trainableParameters(), 1e-4, WEIGHT_DECAY);
        clips = Variable.constant(rng.normal(0f, 1f, CLIPS, FRAMES, 3, IMAGE, IMAGE));
        labels = new int[CLIPS];
        for (int i = 0; i < CLIPS; i++) labels[i] = (int) (rng.nextDouble() * 101);
    }

    /** One training step: forward, cross-entropy, backward, AdamW. */
    void trainStep() {
        optimizer.zeroGrad();
        model.forward(clips, domains).loss(labels, 0f).backward();
        optimizer.step();
    }

    /** The logits of the batch, under no-grad. */
    Tensor infer() {
        try (var ignored = Autograd.noGrad()) {
            return model.forward(clips, domains).groups().getFirst().logits().data();
        }
    }

    /** Number of trainable parameters (the yardstick prints its own). */
    long trainableParameters() {
        return model.trainableParameterCount();
    }

    /**
     * The most heap {@code body} had in use, in MiB: the sum of each heap pool's peak, after a collection
     * so that what came before does not count. Young-generation pools fill with garbage up to their size
     * before a collection, so this is the heap the step needed at the JVM's chosen sizes (an upper bound of
     * its live data).
     */
    static double peakHeapMib(Runnable body) {
        List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP).toList();
        System.gc();
        heap.forEach(MemoryPoolMXBean::resetPeakUsage);
        body.run();
        return heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum() / (1024.0 * 1024);
    }
}
