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

    /**
     * GELU, erf form (PyTorch's default).
     *
     * @param x the input, any shape
     * @return GELU(x), shape of x
     */
    public static Variable gelu(Variable x) {
        Tensor in = x.data(), y = in.gelu();
        return Variable.result("gelu", y, g -> new Tensor[] {be().gelu().backward(in, y, g)}, x);
    }

    /**
     * {@code map(x)} for a linear map that is its own adjoint, such as an orthogonal projector: the
     * gradient is {@code map} applied to the incoming gradient, so backward needs nothing saved and no
     * transposed operands. {@code op} names the node in errors and anomaly reports.
     *
     * @param op the node's name
     * @param x the input
     * @param map the self-adjoint linear map, applied to x forward and to the gradient backward
     * @return map(x)
     */
    public static Variable selfAdjoint(String op, Variable x, UnaryOperator<Tensor> map) {
        return Variable.result(op, map.apply(x.data()), g -> new Tensor[] {map.apply(g)}, x);
    }

    /**
     * Softmax along {@code axis}, with its fused backward kernel.
     *
     * @param x the input
     * @param axis the axis to normalise along (negative counts from the end)
     * @return the probabilities, shape of x
     */
    public static Variable softmax(Variable x, int axis) {
        int a = Shape.axis(axis, x.rank());
        Tensor y = x.data().softmax(a);
        return Variable.result("softmax", y, g -> new Tensor[] {be().softmax().backward(y, g, a, false)}, x);
    }

    /**
     * Log-softmax along {@code axis}, with its fused backward kernel.
     *
     * @param x the input
     * @param axis the axis to normalise along (negative counts from the end)
     * @return the log-probabilities, shape of x
     */
    public static Variable logSoftmax(Variable x, int axis) {
        int a = Shape.axis(axis, x.rank());
        Tensor y = x.data().logSoftmax(a);
        return Variable.result("log_softmax", y, g -> new Tensor[] {be().softmax().backward(y, g, a, true)}, x);
    }

    /**
     * Layer norm over the last axis; {@code weight} and {@code bias} ([D]) may be null (a bias needs a weight).
     *
     * @param x the input [..., D]
     * @param weight the scale [D], or null
     * @param bias the shift [D], or null
     * @param eps added to the variance
     * @return the normalised input, shape of x
     * @throws IllegalArgumentException if {@code bias} is given without {@code weight}
     */
    public static Variable layerNorm(Variable x, Variable weight, Variable bias, float eps) {
        if (weight == null && bias != null) throw new IllegalArgumentException("layerNorm: a bias needs a weight");
        Tensor in = x.data();
        int rows = in.size(-1) == 0 ? 0 : in.numel() / in.size(-1);
        Tensor mean = Tensor.zeros(rows), rstd = Tensor.zeros(rows);
        Tensor w = weight == null ? null : weight.data();
        Tensor y = be().layerNorm().forward(in, w, bias == null ? null : bias.data(), eps, mean, rstd);
        Variable[] inputs = weight == null ? new Variable[] {x} : bias == null ? new Variable[] {x, weight} : new Variable[] {x, weight, bias};
        boolean affine = inputs.length > 1 && (weight.requiresGrad() || (bias != null && bias.requiresGrad()));
        return Variable.result("layer_norm", y,
                g -> java.util.Arrays.copyOf(be().layerNorm().backward(in, mean, rstd, w, g, affine), inputs.length), inputs);
    }

    /**
     * {@code x W^T + b} for {@code weight} [out, in] and optional {@code bias} [out], over any leading axes of x,
     * as one matrix product. A frozen weight costs no weight-gradient product.
     *
     * @param x the input [..., in]
     * @param weight the weight [out, in]
     * @param bias the bias [out], or null
     * @return the output [..., out]
     * @throws IllegalArgumentException if x's last axis or the bias does not fit the weight
     */
    public static Variable linear(Variable x, Variable weight, Variable bias) {
        Tensor y = affine("linear", x, weight.data(), bias);
        return Variable.result("linear", y, linearBackward(x, weight, bias, weight.data(), null, null), inputs(x, weight, bias));
    }

    /**
     * {@code x (W + up down)^T + b}: a linear layer with a low-rank update, {@code down} [r, in] and {@code up}
     * [out, r], as one node. The update is added to W first (out*in*r work, independent of the number of rows),
     * so the forward pass is one product over the rows, no more than the frozen layer's, and the gradient of x
     * one more; the backward pass recomputes {@code x down^T} for the factors' gradients rather than keeping
     * it. Equal to {@code linear(x, W, b) + linear(linear(x, down), up)} up to float rounding, and two thin
     * products over the rows (and two row-sized sums) cheaper.
     *
     * @param x the input [..., in]
     * @param weight the base weight W [out, in], usually frozen
     * @param bias the bias [out], or null
     * @param down the down factor [r, in]
     * @param up the up factor [out, r]
     * @return the output [..., out]
     * @throws IllegalArgumentException if the factors, x or the bias do not fit the weight
     */
    public static Variable loraLinear(Variable x, Variable weight, Variable bias, Variable down, Variable up) {
        int in = weight.size(1), out = weight.size(0);
        if (down.rank() != 2 || up.rank() != 2 || down.size(1) != in || up.size(0) != out || up.size(1) != down.size(0))
            throw new IllegalArgumentException("loraLinear: factors down " + Shape.str(down.shape()) + " and up " + Shape.str(up.shape())
                    + " do not fit weight " + Shape.str(weight.shape()) + " (need [r, in] and [out, r])");
        Tensor w = weight.data().copy();
        be().matmulInto(up.data(), down.data(), w, 1f, 1f);
        Tensor y = affine("loraLinear", x, w, bias);
        return Variable.result("lora_linear", y, linearBackward(x, weight, bias, w, down, up), inputs(x, weight, bias, down, up));
    }

    /** {@code x, weight}, then {@code bias} when present, then the factors when present: the node's inputs in gradient order. */
    private static Variable[] inputs(Variable x, Variable weight, Variable bias, Variable... factors) {
        java.util.List<Variable> in = new java.util.ArrayList<>(java.util.List.of(x, weight));
        if (bias != null) in.add(bias);
        in.addAll(java.util.List.of(factors));
        return in.toArray(Variable[]::new);
    }

    /**
     * The backward pass of {@link #linear} and {@link #loraLinear}, gradients in {@link #inputs} order;
     * {@code w} is the weight the forward pass used (with the update added), {@code down}/{@code up} null for
     * a plain linear layer. A frozen weight or factor costs no product.
     */
    private static Node.Backward linearBackward(Variable x, Variable weight, Variable bias, Tensor w,
                                              Variable down, Variable up) {
        int in = w.size(1), out = w.size(0), biasAt = 2, factorsAt = bias == null ? 2 : 3;
        Tensor x2 = x.data().reshape(-1, in);
        int[] inShape = x.shape();
        return g -> {
            Tensor g2 = g.reshape(-1, out);
            Tensor[] d = new Tensor[factorsAt + (down == null ? 0 : 2)];
            if (x.requiresGrad()) d[0] = g2.matmul(w).reshape(inShape);
            if (weight.requiresGrad()) d[1] = g2.mT().matmul(x2);
            if (bias != null && bias.requiresGrad()) d[biasAt] = g2.sum(0);
            // each product's transposed operand is the thin [rows, r] one: packing it costs r * rows copies, not out * rows
            if (down != null && down.requiresGrad()) d[factorsAt] = g2.matmul(up.data()).mT().matmul(x2);
            if (up != null && up.requiresGrad()) d[factorsAt + 1] = x2.matmul(down.data().mT()).mT().matmul(g2).mT();
            return d;
        };
    }

    /** {@code x w^T + b} over any leading axes of x, as one matrix product with the bias in its output pass; {@code op} names the caller in errors. */
    private static Tensor affine(String op, Variable x, Tensor w, Variable bias) {
        int in = w.size(1), out = w.size(0);
        if (x.size(-1) != in)
            throw new IllegalArgumentException(op + ": input " + Shape.str(x.shape()) + " does not end in " + in + " (weight " + Shape.str(w.shape()) + ")");
        if (bias != null && (bias.rank() != 1 || bias.size(0) != out))
            throw new IllegalArgumentException(op + ": bias " + Shape.str(bias.shape()) + " does not match weight " + Shape.str(w.shape()));
        int[] outShape = x.shape();
        outShape[outShape.length - 1] = out;
        return be().linear(x.data().reshape(-1, in), w, bias == null ? null : bias.data()).reshape(outShape);
    }

    /**
     * Mean cross-entropy of {@code logits} [B, C] against class indices, with optional label smoothing
     * (PyTorch's definition: the target is (1 - s) one-hot + s / C).
     *
     * @param logits the unnormalised scores [B, C]
     * @param targets the class of each row, B indices in [0, C)
     * @param labelSmoothing s in [0, 1]; 0 for plain cross-entropy
     * @return the mean loss over the batch, a scalar
     * @throws IllegalArgumentException if logits are not [B, C], targets are not B indices in range, or s is outside [0, 1]
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

    /**
     * Inverted dropout: zeroes each element with probability {@code p} and scales the rest by 1/(1-p); identity when not training.
     *
     * @param x the input
     * @param p the drop probability, in [0, 1)
     * @param training false for the identity (evaluation)
     * @param rng the source of the mask
     * @return x masked and scaled, or x itself when not training or p is 0
     * @throws IllegalArgumentException if p is outside [0, 1)
     */
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
     * Multi-head self-attention straight from a fused projection, as one node: {@code qkv} [B, N, 3D] holds
     * each token's queries, keys and values (timm's layout: [q | k | v], each split into {@code heads} heads of
     * D/heads), the result [B, N, D] the heads' contexts side by side, ready for the output projection.
     * The backend's kernels read the operands in place and save only the probabilities ({@link Backend.SelfAttention}).
     *
     * @param qkv the fused projections [B, N, 3D]
     * @param heads the number of heads, dividing D
     * @param scale the factor on the scores q.k, usually 1/sqrt(D/heads)
     * @return the contexts [B, N, D]
     */
    public static Variable selfAttention(Variable qkv, int heads, float scale) {
        Tensor in = qkv.data();
        Backend.SelfAttention.Result r = be().selfAttention().forward(in, heads, scale);
        Tensor probs = r.probs();
        return Variable.result("self_attention", r.out(), g -> new Tensor[] {be().selfAttention().backward(in, probs, g, heads, scale)}, qkv);
    }

    /**
     * {@code f(x)} without keeping its activations (PyTorch's {@code torch.utils.checkpoint}): the forward pass
     * runs {@code f} under no-grad, so only its output stays alive; the backward pass runs {@code f} again with
     * a graph and back-propagates through it. The gradients equal those of {@code f(x)} as long as {@code f} is
     * deterministic (no dropout), at the cost of a second forward of {@code f}. {@code parameters} are the
     * trainable leaves {@code f} reads besides {@code x}: their gradients are accumulated by the inner
     * backward pass. When nothing needs a gradient this is just {@code f(x)}.
     *
     * @param op the node's name
     * @param f the function, deterministic
     * @param x its input
     * @param parameters the trainable leaves f reads besides x (may be empty)
     * @return f(x)
     */
    public static Variable recompute(String op, UnaryOperator<Variable> f, Variable x, java.util.List<Variable> parameters) {
        boolean trainable = x.requiresGrad() || parameters.stream().anyMatch(Variable::requiresGrad);
        if (!Autograd.isGradEnabled() || !trainable) return f.apply(x);
        Tensor y;
        try (var ignored = Autograd.noGrad()) {
            y = f.apply(x).data();
        }
        Variable[] inputs = new Variable[1 + parameters.size()];
        inputs[0] = x;
        for (int i = 0; i < parameters.size(); i++) inputs[i + 1] = parameters.get(i);
        return Variable.result(op, y, g -> {
            Variable in = x.requiresGrad() ? Variable.parameter(x.data()) : Variable.constant(x.data());
            Variable out;
            try (var ignored = Autograd.enableGrad()) {
                out = f.apply(in);
            }
            if (out.requiresGrad()) out.backward(g, false);
            Tensor[] d = new Tensor[inputs.length];
            d[0] = in.grad();
            return d;
        }, inputs);
    }
}
