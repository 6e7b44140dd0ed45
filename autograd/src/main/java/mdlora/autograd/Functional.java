package mdlora.autograd;

import java.util.function.UnaryOperator;
import mdlora.tensor.Backend;
import mdlora.tensor.Rng;
import mdlora.tensor.Shape;
import mdlora.tensor.Tensor;

/**
 * The neural-network operations (PyTorch's {@code torch.nn.functional}), each one node in the graph
 * with a hand-written backward: fewer saved tensors and fewer passes than composing them from
 * elementwise pieces.
 */
public final class Functional {
    private Functional() {}

    private static Backend be() {
        return Backend.current();
    }

    /** GELU, erf form (PyTorch's default). */
    public static Variable gelu(Variable x) {
        Tensor in = x.data();
        return Variable.result("gelu", in.gelu(), g -> new Tensor[] {be().geluBackward(in, g)}, x);
    }

    /**
     * {@code map(x)} for a linear map that is its own adjoint, such as an orthogonal projector: the
     * gradient is {@code map} applied to the incoming gradient, so backward needs nothing saved and no
     * transposed operands. {@code op} names the node in errors and anomaly reports.
     */
    public static Variable selfAdjoint(String op, Variable x, UnaryOperator<Tensor> map) {
        return Variable.result(op, map.apply(x.data()), g -> new Tensor[] {map.apply(g)}, x);
    }

    public static Variable softmax(Variable x, int axis) {
        int a = Shape.axis(axis, x.rank());
        Tensor y = x.data().softmax(a);
        return Variable.result("softmax", y, g -> new Tensor[] {be().softmaxBackward(y, g, a, false)}, x);
    }

    public static Variable logSoftmax(Variable x, int axis) {
        int a = Shape.axis(axis, x.rank());
        Tensor y = x.data().logSoftmax(a);
        return Variable.result("log_softmax", y, g -> new Tensor[] {be().softmaxBackward(y, g, a, true)}, x);
    }

    /** Layer norm over the last axis; {@code weight} and {@code bias} ([D]) may be null (a bias needs a weight). */
    public static Variable layerNorm(Variable x, Variable weight, Variable bias, float eps) {
        if (weight == null && bias != null) throw new IllegalArgumentException("layerNorm: a bias needs a weight");
        Tensor in = x.data();
        int rows = in.size(-1) == 0 ? 0 : in.numel() / in.size(-1);
        Tensor mean = Tensor.zeros(rows), rstd = Tensor.zeros(rows);
        Tensor w = weight == null ? null : weight.data();
        Tensor y = be().layerNorm(in, w, bias == null ? null : bias.data(), eps, mean, rstd);
        Variable[] inputs = weight == null ? new Variable[] {x} : bias == null ? new Variable[] {x, weight} : new Variable[] {x, weight, bias};
        boolean affine = inputs.length > 1 && (weight.requiresGrad() || (bias != null && bias.requiresGrad()));
        return Variable.result("layer_norm", y,
                g -> java.util.Arrays.copyOf(be().layerNormBackward(in, mean, rstd, w, g, affine), inputs.length), inputs);
    }

    /**
     * {@code x W^T + b} for {@code weight} [out, in] and optional {@code bias} [out], over any leading axes of x,
     * as one matrix product. A frozen weight costs no weight-gradient product.
     */
    public static Variable linear(Variable x, Variable weight, Variable bias) {
        int in = weight.size(1), out = weight.size(0);
        Tensor x2 = x.data().reshape(-1, in), w = weight.data();
        Tensor y = affine("linear", x, w, bias);
        Variable[] inputs = bias == null ? new Variable[] {x, weight} : new Variable[] {x, weight, bias};
        int[] inShape = x.shape();
        return Variable.result("linear", y, g -> {
            Tensor g2 = g.reshape(-1, out);
            Tensor[] d = new Tensor[inputs.length];
            if (x.requiresGrad()) d[0] = g2.matmul(w).reshape(inShape);
            if (weight.requiresGrad()) d[1] = g2.mT().matmul(x2);
            if (bias != null && bias.requiresGrad()) d[2] = g2.sum(0);
            return d;
        }, inputs);
    }

    /**
     * {@code x (W + up down)^T + b}: a linear layer with a low-rank update, {@code down} [r, in] and {@code up}
     * [out, r], as one node. The update is added to W first (out*in*r work, independent of the number of rows),
     * so the forward pass is one product over the rows, no more than the frozen layer's, and the gradient of x
     * one more; the backward pass recomputes {@code x down^T} for the factors' gradients rather than keeping
     * it. Equal to {@code linear(x, W, b) + linear(linear(x, down), up)} up to float rounding, and two thin
     * products over the rows (and two row-sized sums) cheaper.
     */
    public static Variable loraLinear(Variable x, Variable weight, Variable bias, Variable down, Variable up) {
        int in = weight.size(1), out = weight.size(0);
        if (down.rank() != 2 || up.rank() != 2 || down.size(1) != in || up.size(0) != out || up.size(1) != down.size(0))
            throw new IllegalArgumentException("loraLinear: factors down " + Shape.str(down.shape()) + " and up " + Shape.str(up.shape())
                    + " do not fit weight " + Shape.str(weight.shape()) + " (need [r, in] and [out, r])");
        Tensor w = weight.data().add(up.data().matmul(down.data()));
        Tensor y = affine("loraLinear", x, w, bias);
        Tensor x2 = x.data().reshape(-1, in), dn = down.data(), upd = up.data();
        Variable[] inputs = bias == null ? new Variable[] {x, weight, down, up} : new Variable[] {x, weight, down, up, bias};
        int[] inShape = x.shape();
        return Variable.result("lora_linear", y, g -> {
            Tensor g2 = g.reshape(-1, out);
            Tensor[] d = new Tensor[inputs.length];
            if (x.requiresGrad()) d[0] = g2.matmul(w).reshape(inShape);
            if (weight.requiresGrad()) d[1] = g2.mT().matmul(x2);
            // each product's transposed operand is the thin [rows, r] one: packing it costs r * rows copies, not out * rows
            if (down.requiresGrad()) d[2] = g2.matmul(upd).mT().matmul(x2);
            if (up.requiresGrad()) d[3] = x2.matmul(dn.mT()).mT().matmul(g2).mT();
            if (bias != null && bias.requiresGrad()) d[4] = g2.sum(0);
            return d;
        }, inputs);
    }

    /** {@code x w^T + b} over any leading axes of x, as one matrix product; {@code op} names the caller in errors. */
    private static Tensor affine(String op, Variable x, Tensor w, Variable bias) {
        int in = w.size(1), out = w.size(0);
        if (x.size(-1) != in)
            throw new IllegalArgumentException(op + ": input " + Shape.str(x.shape()) + " does not end in " + in + " (weight " + Shape.str(w.shape()) + ")");
        if (bias != null && (bias.rank() != 1 || bias.size(0) != out))
            throw new IllegalArgumentException(op + ": bias " + Shape.str(bias.shape()) + " does not match weight " + Shape.str(w.shape()));
        int[] outShape = x.shape();
        outShape[outShape.length - 1] = out;
        Tensor y = x.data().reshape(-1, in).matmul(w.mT());
        if (bias != null) y.addInPlace(bias.data());
        return y.reshape(outShape);
    }

    /**
     * Mean cross-entropy of {@code logits} [B, C] against class indices, with optional label smoothing
     * (PyTorch's definition: the target is (1 - s) one-hot + s / C).
     */
    public static Variable crossEntropy(Variable logits, int[] targets, float labelSmoothing) {
        if (logits.rank() != 2)
            throw new IllegalArgumentException("crossEntropy: logits must be [batch, classes], got " + Shape.str(logits.shape()));
        int b = logits.size(0), c = logits.size(1);
        if (targets.length != b)
            throw new IllegalArgumentException("crossEntropy: " + targets.length + " targets for a batch of " + b);
        if (labelSmoothing < 0 || labelSmoothing > 1) throw new IllegalArgumentException("crossEntropy: label smoothing must be in [0, 1], got " + labelSmoothing);
        for (int t : targets)
            if (t < 0 || t >= c) throw new IllegalArgumentException("crossEntropy: target " + t + " out of range for " + c + " classes");
        Tensor logp = logits.data().logSoftmax(1);
        float[] lp = logp.contiguousData();
        double loss = 0;
        for (int i = 0; i < b; i++) {
            double rowSum = 0;
            for (int j = 0; j < c; j++) rowSum += lp[i * c + j];
            loss -= (1 - labelSmoothing) * lp[i * c + targets[i]] + labelSmoothing / c * rowSum;
        }
        float mean = (float) (loss / b);
        return Variable.result("cross_entropy", Tensor.scalar(mean), g -> {
            float scale = g.item() / b;
            float[] d = logp.exp().contiguousData();
            for (int i = 0; i < b; i++) {
                for (int j = 0; j < c; j++) d[i * c + j] = (d[i * c + j] - labelSmoothing / c) * scale;
                d[i * c + targets[i]] -= (1 - labelSmoothing) * scale;
            }
            return new Tensor[] {Tensor.of(d, b, c)};
        }, logits);
    }

    /** Inverted dropout: zeroes each element with probability {@code p} and scales the rest by 1/(1-p); identity when not training. */
    public static Variable dropout(Variable x, float p, boolean training, Rng rng) {
        if (p < 0 || p >= 1) throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + p);
        if (!training || p == 0) return x;
        float keep = 1 - p, scale = 1 / keep;
        float[] m = new float[Shape.numel(x.shape())];
        for (int i = 0; i < m.length; i++) m[i] = rng.nextDouble() < keep ? scale : 0f;
        Tensor mask = Tensor.of(m, x.shape());
        return Variable.result("dropout", x.data().mul(mask), g -> new Tensor[] {g.mul(mask)}, x);
    }

    /**
     * Scaled dot-product attention {@code softmax(q k^T * scale) v} as one node: q [..., N, d], k [..., M, d],
     * v [..., M, e]. Only the attention probabilities are saved for backward.
     */
    public static Variable attention(Variable q, Variable k, Variable v, float scale) {
        Tensor qd = q.data(), kd = k.data(), vd = v.data();
        if (qd.size(-1) != kd.size(-1) || kd.size(-2) != vd.size(-2))
            throw new IllegalArgumentException("attention: q " + Shape.str(qd.shape()) + ", k " + Shape.str(kd.shape()) + ", v " + Shape.str(vd.shape()) + " do not fit");
        Tensor scores = qd.matmul(kd.mT());
        scores.mulInPlace(scale);
        Tensor p = scores.softmax(-1);
        Tensor out = p.matmul(vd);
        return Variable.result("attention", out, g -> {
            Tensor dv = v.requiresGrad() ? p.mT().matmul(g) : null;
            if (!q.requiresGrad() && !k.requiresGrad()) return new Tensor[] {null, null, dv};
            Tensor ds = be().softmaxBackward(p, g.matmul(vd.mT()), p.rank() - 1, false);
            ds.mulInPlace(scale);
            return new Tensor[] {q.requiresGrad() ? ds.matmul(kd) : null, k.requiresGrad() ? ds.mT().matmul(qd) : null, dv};
        }, q, k, v);
    }

    /**
     * Multi-head self-attention straight from a fused projection, as one node: {@code qkv} [B, N, 3D] holds
     * each token's queries, keys and values (timm's layout: [q | k | v], each split into {@code heads} heads of
     * D/heads), the result [B, N, D] the heads' contexts side by side, ready for the output projection.
     *
     * <p>Equal to {@link #attention} on the three slices followed by merging the heads, but each (batch, head)
     * product reads its operands in place through the row stride 3D and writes its result in place (stride D
     * forward, 3D for the gradient of qkv), so no slice, permute or merge copies are made and the gradient
     * of qkv is one buffer rather than three zero-padded ones. Only the probabilities are saved.
     */
    public static Variable selfAttention(Variable qkv, int heads, float scale) {
        if (qkv.rank() != 3 || heads <= 0 || qkv.size(2) % (3 * heads) != 0)
            throw new IllegalArgumentException("selfAttention: qkv must be [B, N, 3D] with D divisible by " + heads + " heads, got " + Shape.str(qkv.shape()));
        int b = qkv.size(0), n = qkv.size(1), d = qkv.size(2) / 3;
        Tensor[] x = splitHeads(qkv.data(), heads);
        Tensor p = Tensor.zeros(b, heads, n, n);
        be().matmulInto(x[0], x[1].mT(), p, scale, 0f);
        Tensor probs = p.softmax(-1);
        Tensor out = Tensor.zeros(b, n, d);
        be().matmulInto(probs, x[2], mergedHeads(out, heads), 1f, 0f);
        return Variable.result("self_attention", out, g -> {
            Tensor dqkv = Tensor.zeros(b, n, 3 * d);
            Tensor[] dx = splitHeads(dqkv, heads);
            Tensor gh = mergedHeads(g, heads);
            be().matmulInto(probs.mT(), gh, dx[2], 1f, 0f);
            Tensor ds = be().softmaxBackward(probs, gh.matmul(x[2].mT()), 3, false);
            // the scale of the scores is folded into the two products below
            be().matmulInto(ds, x[1], dx[0], scale, 0f);
            be().matmulInto(ds.mT(), x[0], dx[1], scale, 0f);
            return new Tensor[] {dqkv};
        }, qkv);
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
