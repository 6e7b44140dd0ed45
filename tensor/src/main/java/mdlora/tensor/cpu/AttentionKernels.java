package mdlora.tensor.cpu;

import mdlora.tensor.Backend;
import mdlora.tensor.Shape;
import mdlora.tensor.Tensor;

/**
 * Multi-head self-attention straight from a fused [B, N, 3D] projection, forward and backward. Each
 * (batch, head) product reads its operands in place through the row stride 3D and writes its result in
 * place (stride D forward, 3D for the gradient of qkv), so no slice, permute or merge copies are made
 * and the gradient of qkv is one buffer rather than three zero-padded ones.
 */
final class AttentionKernels implements Backend.SelfAttention {
    private final Backend products;

    /** {@code products} runs the matrix products. */
    AttentionKernels(Backend products) {
        this.products = products;
    }

    @Override
    public Result forward(Tensor qkv, int heads, float scale) {
        if (qkv.rank() != 3 || heads <= 0 || qkv.size(2) % (3 * heads) != 0)
            throw new IllegalArgumentException("selfAttention: qkv must be [B, N, 3D] with D divisible by " + heads + " heads, got " + Shape.str(qkv.shape()));
        int b = qkv.size(0), n = qkv.size(1), d = qkv.size(2) / 3;
        Tensor[] x = splitHeads(qkv, heads);
        Tensor probs = Tensor.zeros(b, heads, n, n);
        products.matmulInto(x[0], x[1].mT(), probs, scale, 0f);
        // the scores become the probabilities in place: one [B, heads, N, N] array, not two (W6: 30 MB a block)
        SoftmaxKernels.inPlace(probs);
        Tensor out = Tensor.zeros(b, n, d);
        products.matmulInto(probs, x[2], mergedHeads(out, heads), 1f, 0f);
        return new Result(out, probs);
    }

    @Override
    public Tensor backward(Tensor qkv, Tensor probs, Tensor g, int heads, float scale) {
        int b = qkv.size(0), n = qkv.size(1), d = qkv.size(2) / 3;
        Shape.requireSame("selfAttention backward", g.shape(), new int[] {b, n, d});
        Tensor[] x = splitHeads(qkv, heads);
        Tensor dqkv = Tensor.zeros(b, n, 3 * d);
        Tensor[] dx = splitHeads(dqkv, heads);
        Tensor gh = mergedHeads(g, heads);
        products.matmulInto(probs.mT(), gh, dx[2], 1f, 0f);
        Tensor ds = products.matmul(gh, x[2].mT());
        SoftmaxKernels.backwardInPlace(probs, ds);
        // the scale of the scores is folded into the two products below
        products.matmulInto(ds, x[1], dx[0], scale, 0f);
        products.matmulInto(ds.mT(), x[0], dx[1], scale, 0f);
        return dqkv;
    }

    /** Views q, k, v [B, heads, N, D/heads] of a fused [B, N, 3D] projection (timm's layout), no copies. */
    private static Tensor[] splitHeads(Tensor qkv, int heads) {
        int b = qkv.size(0), n = qkv.size(1), hd = qkv.size(2) / 3 / heads;
        Tensor t = qkv.reshape(b, n, 3, heads, hd).permute(2, 0, 3, 1, 4);
        return new Tensor[] {t.select(0, 0), t.select(0, 1), t.select(0, 2)};
    }

    /** The [B, heads, N, D/heads] view of a [B, N, D] tensor whose heads sit side by side in D. */
    private static Tensor mergedHeads(Tensor t, int heads) {
        return t.reshape(t.size(0), t.size(1), heads, t.size(2) / heads).permute(0, 2, 1, 3);
    }
}
