package mdlora.nn;

import java.util.ArrayList;
import java.util.List;
import mdlora.autograd.Functional;
import mdlora.autograd.Variable;
import mdlora.tensor.Rng;

/**
 * A Vision Transformer with timm's module and parameter names: {@code patch_embed.proj}, {@code cls_token}
 * [1, 1, D], {@code dist_token} [1, 1, D] (DeiT distilled), {@code pos_embed} [1, prefix + N, D], {@code norm_pre}
 * (CLIP-style), {@code blocks.i}, {@code norm} or {@code fc_norm}, and {@code head} (and DeiT's {@code head_dist})
 * when the config has classes. Which of these exist is the config's {@link ViTConfig.Variant}; the forward pass is
 * timm's {@code VisionTransformer} (and {@code VisionTransformerDistilled} at inference) for each.
 */
public final class VisionTransformer extends Module implements Layer {
    private final ViTConfig config;
    private final List<Variable> prefixTokens = new ArrayList<>();
    private final Variable posEmbed;
    private boolean recomputeActivations;

    /**
     * A randomly initialised model: PyTorch's default init for linear and patch projections, unit/zero norms,
     * and prefix tokens and position embedding normal with std 0.02 (timm's std, not truncated).
     * @param config the model's sizes and variant
     * @param rng initialises the weights
     */
    public VisionTransformer(ViTConfig config, Rng rng) {
        this.config = config;
        ViTConfig.Variant v = config.variant();
        int d = config.width();
        registerModule("patch_embed", new PatchEmbed(config.imageSize(), config.patchSize(), d, v.patchBias(), rng));
        if (v.classToken()) prefixTokens.add(registerParameter("cls_token", rng.normal(0, 0.02f, 1, 1, d)));
        if (v.distToken()) prefixTokens.add(registerParameter("dist_token", rng.normal(0, 0.02f, 1, 1, d)));
        this.posEmbed = registerParameter("pos_embed", rng.normal(0, 0.02f, 1, config.prefixTokens() + config.numPatches(), d));
        if (v.normPre()) registerModule("norm_pre", new LayerNorm(d, config.layerNormEps()));
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < config.depth(); i++) blocks.add(new Block(d, config.heads(), config.mlpDim(), config.layerNormEps(), v.layerScale(), rng));
        registerModule("blocks", new Sequential(blocks));
        registerModule(finalNorm(), new LayerNorm(d, config.layerNormEps()));
        if (config.numClasses() > 0) {
            registerModule("head", new Linear(d, config.numClasses(), true, rng));
            if (v.distToken()) registerModule("head_dist", new Linear(d, config.numClasses(), true, rng));
        }
    }

    /**
     * The sizes this model was built with.
     * @return the configuration
     */
    public ViTConfig config() {
        return config;
    }

    /**
     * When on, each block keeps only its output during a training forward pass and recomputes its activations
     * in the backward pass ({@link Functional#recompute}): the memory of one block's activations instead of
     * all of them, for about one more forward pass. Gradients are the same. Blocks with nothing trainable in or
     * below them record no graph either way.
     * @param on whether to recompute
     * @return this model
     */
    public VisionTransformer recomputeActivations(boolean on) {
        recomputeActivations = on;
        return this;
    }

    /**
     * Whether {@link #recomputeActivations} is on.
     * @return true if activations are recomputed
     */
    public boolean recomputesActivations() {
        return recomputeActivations;
    }

    /**
     * Images [N, 3, S, S] (normalised) to features [N, D]: timm's {@code forward_head(pre_logits=True)}. With
     * class-token pooling, the normalised class token (a distilled DeiT's: the mean of its class and distillation
     * tokens, as timm's); with average pooling, the mean of the patch tokens, normalised by {@code fc_norm} after
     * pooling or by {@code norm} token by token before it.
     * @param images normalised images [N, 3, S, S]
     * @return features [N, D]
     */
    public Variable forwardFeatures(Variable images) {
        return forwardFeatures(images, RowDomains.NONE);
    }

    /**
     * {@link #forwardFeatures(Variable)} with image i of domain {@code domains.domain(i)}, for domain-specific adapters.
     * @param images normalised images [N, 3, S, S]
     * @param domains the domain of each image
     * @return features [N, D]
     */
    public Variable forwardFeatures(Variable images, RowDomains domains) {
        Variable x = encode(images, domains);
        if (config.variant().pool() == ViTConfig.Pool.AVG) {
            Variable patches = x.slice(1, config.prefixTokens(), x.size(1));
            return config.variant().fcNorm() ? layer("fc_norm").forward(patches.mean(1)) : layer("norm").forward(patches).mean(1);
        }
        Variable cls = token(x, 0);
        return config.variant().distToken() ? cls.add(token(x, 1)).mul(0.5f) : cls;
    }

    @Override
    public Variable forward(Variable images) {
        return forward(images, RowDomains.NONE);
    }

    /** Images [N, 3, S, S] to logits [N, classes]; needs a head. A distilled DeiT averages its two heads' logits, as timm does at inference. */
    @Override
    public Variable forward(Variable images, RowDomains domains) {
        if (config.numClasses() == 0) throw new IllegalStateException("this ViT has no head (numClasses 0); use forwardFeatures");
        if (!config.variant().distToken()) return layer("head").forward(forwardFeatures(images, domains), domains);
        Variable x = encode(images, domains);
        return layer("head").forward(token(x, 0), domains).add(layer("head_dist").forward(token(x, 1), domains)).mul(0.5f);
    }

    /** Patch tokens behind the prefix tokens, plus the position embedding, through {@code norm_pre} and the blocks: [N, T, D]. */
    private Variable encode(Variable images, RowDomains domains) {
        Variable patches = layer("patch_embed").forward(images, domains);
        List<Variable> tokens = new ArrayList<>();
        for (Variable t : prefixTokens) tokens.add(t.expand(patches.size(0), 1, config.width()));
        tokens.add(patches);
        Variable x = Variable.concat(1, tokens.toArray(Variable[]::new)).add(posEmbed);
        if (config.variant().normPre()) x = layer("norm_pre").forward(x);
        ModuleList blocks = (ModuleList) child("blocks");
        for (int i = 0; i < blocks.size(); i++) {
            Layer block = blocks.layer(i);
            x = recomputeActivations
                    ? Functional.recompute("block " + i, in -> block.forward(in, domains), x, ((Module) block).trainableParameters())
                    : block.forward(x, domains);
        }
        return x;
    }

    /** Token {@code i} after the final norm: the norm works token by token, so this equals timm's norm-then-select. */
    private Variable token(Variable x, int i) {
        return layer(finalNorm()).forward(x.select(1, i));
    }

    private String finalNorm() {
        return config.variant().fcNorm() ? "fc_norm" : "norm";
    }
}
