package mdlora.nn;

import mdlora.autograd.Variable;
import mdlora.tensor.Rng;

/**
 * A pre-norm transformer block: {@code x + attn(norm1(x))}, then {@code x + mlp(norm2(x))} (timm's {@code Block}); with
 * layer scale, each branch is scaled by {@code ls1} and {@code ls2} before it is added.
 */
public final class Block extends Module implements Layer {
    /** timm's usual {@code init_values}; a checkpoint overwrites the scales, so it matters only for a model trained from scratch. */
    private static final float LAYER_SCALE_INIT = 1e-5f;

    private final boolean layerScale;

    /**
     * A block of the given sizes without layer scale; {@code rng} initialises its linear layers.
     * @param width token width
     * @param heads attention heads
     * @param mlpDim hidden width of the MLP
     * @param layerNormEps epsilon of both layer norms
     * @param rng initialises the linear layers
     */
    public Block(int width, int heads, int mlpDim, float layerNormEps, Rng rng) {
        this(width, heads, mlpDim, layerNormEps, false, rng);
    }

    /**
     * A block of the given sizes, with {@code ls1} and {@code ls2} when {@code layerScale}.
     * @param width token width
     * @param heads attention heads
     * @param mlpDim hidden width of the MLP
     * @param layerNormEps epsilon of both layer norms
     * @param layerScale whether the block has {@code ls1} and {@code ls2}
     * @param rng initialises the linear layers
     */
    public Block(int width, int heads, int mlpDim, float layerNormEps, boolean layerScale, Rng rng) {
        this.layerScale = layerScale;
        registerModule("norm1", new LayerNorm(width, layerNormEps));
        registerModule("attn", new Attention(width, heads, rng));
        if (layerScale) registerModule("ls1", new LayerScale(width, LAYER_SCALE_INIT));
        registerModule("norm2", new LayerNorm(width, layerNormEps));
        registerModule("mlp", new Mlp(width, mlpDim, rng));
        if (layerScale) registerModule("ls2", new LayerScale(width, LAYER_SCALE_INIT));
    }

    @Override
    public Variable forward(Variable x) {
        return forward(x, RowDomains.NONE);
    }

    @Override
    public Variable forward(Variable x, RowDomains domains) {
        x = x.add(scaled("ls1", layer("attn").forward(layer("norm1").forward(x), domains)));
        return x.add(scaled("ls2", layer("mlp").forward(layer("norm2").forward(x), domains)));
    }

    private Variable scaled(String scale, Variable branch) {
        return layerScale ? layer(scale).forward(branch) : branch;
    }
}
