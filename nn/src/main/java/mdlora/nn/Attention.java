package mdlora.nn;

import mdlora.autograd.Functional;
import mdlora.autograd.Variable;
import mdlora.tensor.Rng;
import mdlora.tensor.Shape;

/**
 * Multi-head self-attention with one fused projection to queries, keys and values (timm's {@code Attention}:
 * children {@code qkv} [3D <- D] and {@code proj} [D <- D], either of which an adapter may replace).
 */
public final class Attention extends Module implements Layer {
    private final int heads;
    private final float scale;

    /** {@code width} split over {@code heads} heads; the projections get PyTorch's default Linear init from {@code rng}. */
    public Attention(int width, int heads, Rng rng) {
        if (width % heads != 0) throw new IllegalArgumentException("width " + width + " is not divisible by " + heads + " heads");
        this.heads = heads;
        this.scale = (float) (1 / Math.sqrt(width / heads));
        registerModule("qkv", new Linear(width, 3 * width, true, rng));
        registerModule("proj", new Linear(width, width, true, rng));
    }

    /** Tokens [B, N, D] to [B, N, D]. */
    @Override
    public Variable forward(Variable x) {
        if (x.rank() != 3) throw new IllegalArgumentException("attention needs tokens [B, N, D], got " + Shape.str(x.shape()));
        int b = x.size(0), n = x.size(1), d = x.size(2);
        // [B, N, 3D] -> [3, B, heads, N, headDim]: the layout of the checkpoints' fused qkv weight
        Variable qkv = layer("qkv").forward(x).reshape(b, n, 3, heads, d / heads).permute(2, 0, 3, 1, 4);
        Variable context = Functional.attention(qkv.select(0, 0), qkv.select(0, 1), qkv.select(0, 2), scale);
        return layer("proj").forward(context.transpose(1, 2).reshape(b, n, d));
    }
}
