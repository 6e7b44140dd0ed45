package mdlora.nn;

import mdlora.autograd.Functional;
import mdlora.autograd.Variable;
import mdlora.tensor.Rng;
import mdlora.tensor.Shape;

/**
 * Multi-head self-attention with one fused projection to queries, keys and values (timm's {@code Attention}:
 * children {@code qkv} {@code [3D <- D]} and {@code proj} {@code [D <- D]}, either of which an adapter may replace).
 */
public final class Attention extends Module implements Layer {
    private final int heads;
    private final float scale;

    /**
     * {@code width} split over {@code heads} heads; the projections get PyTorch's default Linear init from {@code rng}.
     * @param width token width; divisible by {@code heads}
     * @param heads attention heads
     * @param rng initialises the projections
     */
    public Attention(int width, int heads, Rng rng) {
        if (width % heads != 0) throw new IllegalArgumentException("width " + width + " is not divisible by " + heads + " heads");
        this.heads = heads;
        this.scale = (float) (1 / Math.sqrt(width / heads));
        registerModule("qkv", new Linear(width, 3 * width, true, rng));
        registerModule("proj", new Linear(width, width, true, rng));
    }

    @Override
    public Variable forward(Variable x) {
        return forward(x, RowDomains.NONE);
    }

    /** Tokens [B, N, D] to [B, N, D]. */
    @Override
    public Variable forward(Variable x, RowDomains domains) {
        if (x.rank() != 3) throw new IllegalArgumentException("attention needs tokens [B, N, D], got " + Shape.str(x.shape()));
        return layer("proj").forward(Functional.selfAttention(layer("qkv").forward(x, domains), heads, scale), domains);
    }
}
