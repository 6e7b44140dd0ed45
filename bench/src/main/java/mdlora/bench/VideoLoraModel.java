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
 * The model of W3/W4 and of W6: a ViT with late fusion over 8 frames, heads of 101/400/51 classes, shared +
 * domain LoRA of rank 32 held to the subspaces of W (tau 0.95) where the placement puts both, backbone
 * frozen, and one batch of clips, all of domain 0, as torch_reference.py builds them.
 */
final class VideoLoraModel {
    private static final int FRAMES = 8, RANK = 32;
    private static final int[] CLASSES = {101, 400, 51};
    /** torch.optim.AdamW's default weight decay. */
    private static final double WEIGHT_DECAY = 0.01;

    /** A workload's model and batch. */
    record Setting(ViTConfig vit, int clips, Placement placement) {
        /** W3 and W4: ViT-Tiny/16 at 112 px, 4 clips, all-flat. */
        static final Setting TINY = new Setting(ViTConfig.tiny16().withImageSize(112).withNumClasses(0), 4, Placement.allFlat());
        /** W6: ViT-B/16 at 224 px, 2 clips, upper-heavy. */
        static final Setting BASE = new Setting(ViTConfig.base16().withNumClasses(0), 2, Placement.upperHeavy());

        /** The same model and placement with a batch of {@code n} clips. */
        Setting withClips(int n) {
            return new Setting(vit, n, placement);
        }

        /**
         * Useful FLOPs of one forward pass, counted from the shapes (WORKLOADS.md): 2 x the multiply-adds of the
         * patch embedding, qkv, attention scores and values, proj, fc1, fc2 and heads per image, plus the LoRA
         * products, which the engine computes once per layer (the update added to W) rather than per token.
         */
        double forwardFlops() {
            double n = vit.numPatches() + 1, d = vit.width(), mlp = vit.mlpDim(), p = vit.patchSize();
            double perBlock = n * d * 3 * d + 2 * n * n * d + n * d * d + 2 * n * d * mlp;
            double perImage = vit.numPatches() * 3 * p * p * d + vit.depth() * perBlock;
            double heads = clips * d * CLASSES[0];
            boolean everyBlockBoth = placement.name().equals("all-flat");
            // per block, the update's [out, r] x [r, in] products: shared everywhere, domain where the placement puts it
            double loraPerBlock = RANK * (d * 3 * d + d * d + 2 * d * mlp);
            double lora = vit.depth() * loraPerBlock * (everyBlockBoth ? 2 : 1) + (everyBlockBoth ? 0 : RANK * (d * d + 2 * d * mlp));
            return 2 * (clips * FRAMES * perImage + heads + lora);
        }

        /**
         * Useful FLOPs of one training step (WORKLOADS.md): the forward and the gradients of the activations,
         * 2 x {@link #forwardFlops}, plus the LoRA factors' own gradients. Those are four products over the
         * tokens per adapted layer, x A^T and g U (U = s P B M, the factor after A) and their products with g
         * and x, 2 x tokens x r x (in + out) multiply-adds in all. With r = 64 (shared + domain) on ViT-Tiny's
         * 192-wide layers they are 29% of the step's work; on ViT-B (r = 32 on 768-wide layers) 5%.
         */
        double trainFlops() {
            double tokens = clips * FRAMES * (vit.numPatches() + 1), d = vit.width(), mlp = vit.mlpDim();
            double everyLayer = (d + 3 * d) + (d + d) + 2 * (d + mlp);   // in + out of qkv, proj, fc1, fc2
            double domainLayers = (d + d) + 2 * (d + mlp);                // proj, fc1, fc2: upper-heavy's last block
            boolean everyBlockBoth = placement.name().equals("all-flat");
            double rankTimesWidth = everyBlockBoth ? vit.depth() * 2 * RANK * everyLayer
                    : vit.depth() * RANK * everyLayer + RANK * domainLayers;
            return 2 * forwardFlops() + 2 * 2 * tokens * rankTimesWidth;
        }
    }

    private final VisionTransformer backbone;
    private final VideoClassifier model;
    private final AdamW optimizer;
    private final Variable clips;
    private final int[] domains;
    private final int[] labels;

    VideoLoraModel(Setting setting) {
        Rng rng = new Rng(0);
        backbone = new VisionTransformer(setting.vit(), rng);
        model = new VideoClassifier(backbone,
                List.of(new Domain("ucf101", CLASSES[0]), new Domain("k400", CLASSES[1]), new Domain("hmdb51", CLASSES[2])), 0f, rng);
        LoraConfig lora = LoraConfig.builder().placement(setting.placement()).rank(RANK).subspaceConstraints(true).tau(0.95).build();
        model.attachLora(lora, rng);
        optimizer = new AdamW(model.trainableParameters(), 1e-4, WEIGHT_DECAY);
        int image = setting.vit().imageSize();
        clips = Variable.constant(rng.normal(0f, 1f, setting.clips(), FRAMES, 3, image, image));
        domains = new int[setting.clips()];
        labels = new int[setting.clips()];
        for (int i = 0; i < labels.length; i++) labels[i] = (int) (rng.nextDouble() * CLASSES[0]);
    }

    /** Turns per-block activation recomputation on or off ({@link VisionTransformer#recomputeActivations}). */
    VideoLoraModel recomputeActivations(boolean on) {
        backbone.recomputeActivations(on);
        return this;
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
