package mdlora.nn;

import mdlora.autograd.Variable;
import mdlora.tensor.Rng;

/** A pre-norm transformer block: {@code x + attn(norm1(x))}, then {@code x + mlp(norm2(x))} (timm's {@code Block}). */
public final class Block extends Module implements Layer {
    /** A block of the given sizes; {@code rng} initialises its linear layers. */
    public Block(int width, int heads, int mlpDim, float layerNormEps, Rng rng) {
        registerModule("norm1", new LayerNorm(width, layerNormEps));
        registerModule("attn", new Attention(width, heads, rng));
        registerModule("norm2", new LayerNorm(width, layerNormEps));
        registerModule("mlp", new Mlp(width, mlpDim, rng));
    }

    @Override
    public Variable forward(Variable x) {
        return forward(x, RowDomains.NONE);
    }

    @Override
    public Variable forward(Variable x, RowDomains domains) {
        x = x.add(layer("attn").forward(layer("norm1").forward(x), domains));
        return x.add(layer("mlp").forward(layer("norm2").forward(x), domains));
    }
}
