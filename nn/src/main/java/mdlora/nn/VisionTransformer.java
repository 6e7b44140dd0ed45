package mdlora.nn;

import java.util.ArrayList;
import java.util.List;
import mdlora.autograd.Functional;
import mdlora.autograd.Variable;
import mdlora.tensor.Rng;

/**
 * A Vision Transformer with timm's module and parameter names: {@code patch_embed.proj}, {@code cls_token}
 * [1, 1, D], {@code pos_embed} [1, 1 + N, D], {@code blocks.i}, {@code norm}, and {@code head} when the config
 * has classes. The class token after the final norm is the image's feature.
 */
public final class VisionTransformer extends Module implements Layer {
    private final ViTConfig config;
    private final Variable clsToken;
    private final Variable posEmbed;
    private boolean recomputeActivations;

    /**
     * A randomly initialised model: PyTorch's default init for linear and patch projections, unit/zero norms,
     * and class token and position embedding normal with std 0.02 (timm's std, not truncated).
     */
    public VisionTransformer(ViTConfig config, Rng rng) {
        this.config = config;
        int d = config.width();
        registerModule("patch_embed", new PatchEmbed(config.imageSize(), config.patchSize(), d, rng));
        this.clsToken = registerParameter("cls_token", rng.normal(0, 0.02f, 1, 1, d));
        this.posEmbed = registerParameter("pos_embed", rng.normal(0, 0.02f, 1, 1 + config.numPatches(), d));
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < config.depth(); i++) blocks.add(new Block(d, config.heads(), config.mlpDim(), config.layerNormEps(), rng));
        registerModule("blocks", new Sequential(blocks));
        registerModule("norm", new LayerNorm(d, config.layerNormEps()));
        if (config.numClasses() > 0) registerModule("head", new Linear(d, config.numClasses(), true, rng));
    }

    /** The sizes this model was built with. */
    public ViTConfig config() {
        return config;
    }

    /**
     * When on, each block keeps only its output during a training forward pass and recomputes its activations
     * in the backward pass ({@link Functional#recompute}): the memory of one block's activations instead of
     * all of them, for about one more forward pass. Gradients are the same. Blocks with nothing trainable in or
     * below them record no graph either way.
     */
    public VisionTransformer recomputeActivations(boolean on) {
        recomputeActivations = on;
        return this;
    }

    /** Whether {@link #recomputeActivations} is on. */
    public boolean recomputesActivations() {
        return recomputeActivations;
    }

    /** Images [N, 3, S, S] (normalised) to class-token features [N, D] after the final norm. */
    public Variable forwardFeatures(Variable images) {
        return forwardFeatures(images, RowDomains.NONE);
    }

    /** {@link #forwardFeatures(Variable)} with image i of domain {@code domains.domain(i)}, for domain-specific adapters. */
    public Variable forwardFeatures(Variable images, RowDomains domains) {
        Variable patches = layer("patch_embed").forward(images, domains);
        Variable cls = clsToken.expand(patches.size(0), 1, config.width());
        Variable x = Variable.concat(1, cls, patches).add(posEmbed);
        ModuleList blocks = (ModuleList) child("blocks");
        for (int i = 0; i < blocks.size(); i++) {
            Layer block = blocks.layer(i);
            x = recomputeActivations
                    ? Functional.recompute("block " + i, in -> block.forward(in, domains), x, ((Module) block).trainableParameters())
                    : block.forward(x, domains);
        }
        // the norm works token by token, so normalising only the class token equals timm's norm-then-select
        return layer("norm").forward(x.select(1, 0));
    }

    @Override
    public Variable forward(Variable images) {
        return forward(images, RowDomains.NONE);
    }

    /** Images [N, 3, S, S] to logits [N, classes]; needs a head. */
    @Override
    public Variable forward(Variable images, RowDomains domains) {
        if (config.numClasses() == 0) throw new IllegalStateException("this ViT has no head (numClasses 0); use forwardFeatures");
        return layer("head").forward(forwardFeatures(images, domains), domains);
    }
}
