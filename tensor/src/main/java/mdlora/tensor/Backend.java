package mdlora.tensor;

/**
 * The kernels every numeric operation reaches: matrix products, elementwise maps, reductions and
 * the fused operations (each one's forward and backward kernels behind one interface). The JDK Vector
 * API CPU backend ({@code mdlora.tensor.cpu.VectorBackend}, registered as a service) is the
 * implementation today; a GPU backend is one more implementation of this interface, not a rewrite of
 * its callers.
 * Operations return new contiguous tensors unless they say they write into an argument.
 */
public interface Backend {

    /**
     * The backend operations run on now (the Vector API CPU backend unless {@link #use} chose another).
     *
     * @return the backend in use
     */
    static Backend current() {
        Backend b = Holder.current;
        return b != null ? b : Holder.vectorBackend();
    }

    /**
     * Makes {@code backend} the one every operation runs on, process-wide: the hook for another implementation
     * of this interface (or a test's instrumented one), not a setting for everyday use. The default needs no call.
     *
     * @param backend the backend to use from now on, not null
     */
    static void use(Backend backend) {
        Holder.current = java.util.Objects.requireNonNull(backend, "backend");
    }

    /**
     * Short name for logs and benchmark tables.
     *
     * @return the backend's name
     */
    String name();

    /**
     * Matrix product with NumPy semantics (1-D promotion, broadcast batch axes); transposed views cost no copy.
     *
     * @param a the left operand, [..., m, k] or a vector
     * @param b the right operand, [..., k, n] or a vector
     * @return a new tensor of shape [..., m, n]
     */
    Tensor matmul(Tensor a, Tensor b);

    /**
     * {@code out = alpha * a b + beta * out}, written in place into {@code out}, which may be a strided view
     * (its rows must have unit stride): how a product lands straight in its final layout, e.g. one head's
     * context inside a [B, N, D] tensor. {@code a} and {@code b} broadcast over out's batch axes.
     *
     * @param a the left matrix [m, k]
     * @param b the right matrix [k, n]
     * @param out the result [m, n], read when {@code beta} is not 0
     * @param alpha the product's scale
     * @param beta the scale of {@code out}'s old content; 0 ignores it (NaN included)
     */
    void matmulInto(Tensor a, Tensor b, Tensor out, float alpha, float beta);

    /**
     * A linear layer's product {@code x w^T + bias} for x [rows, in], w [out, in] and bias [out] (or null):
     * the bias is added as the product's output is written, not in a second pass over it, with the same
     * rounding as {@code matmul} followed by that pass.
     *
     * @param x the input, [rows, in]
     * @param w the weight, [out, in]
     * @param bias the bias [out], or null for none
     * @return a new tensor of shape [rows, out]
     */
    Tensor linear(Tensor x, Tensor w, Tensor bias);

    /**
     * {@code op(x)} for every element.
     *
     * @param op the function applied
     * @param x the input
     * @return a new tensor of x's shape
     */
    Tensor unary(UnaryOp op, Tensor x);

    /**
     * {@code op(a, b)} with NumPy broadcasting.
     *
     * @param op the function applied
     * @param a the left operand
     * @param b the right operand
     * @return a new tensor of the broadcast shape
     */
    Tensor binary(BinaryOp op, Tensor a, Tensor b);

    /**
     * {@code op(x, s)} for every element.
     *
     * @param op the function applied
     * @param x the tensor operand
     * @param s the scalar operand, on the right
     * @return a new tensor of x's shape
     */
    Tensor binaryScalar(BinaryOp op, Tensor x, float s);

    /**
     * Reduction over sorted, distinct axes.
     *
     * @param op the reduction
     * @param x the input
     * @param axes the axes reduced, sorted, distinct and in {@code [0, rank)}
     * @param keepDims whether reduced axes stay as size 1
     * @return a new tensor
     */
    Tensor reduce(ReduceOp op, Tensor x, int[] axes, boolean keepDims);

    /**
     * Index of the maximum along {@code axis} (first on ties), axis removed.
     *
     * @param x the input
     * @param axis the axis searched, in {@code [0, rank)}
     * @return a new tensor of indices stored as floats
     */
    Tensor argmax(Tensor x, int axis);

    /**
     * Sum of every element, accumulated in double.
     *
     * @param x the input
     * @return the sum
     */
    double sumAll(Tensor x);

    /**
     * Writes {@code src}, broadcast to {@code dst}'s shape, into {@code dst}.
     *
     * @param src the values, broadcastable to dst's shape
     * @param dst the tensor written, possibly a view
     */
    void copy(Tensor src, Tensor dst);

    /**
     * Sets every element of {@code dst} to {@code value}.
     *
     * @param dst the tensor written, possibly a view
     * @param value the value stored
     */
    void fill(Tensor dst, float value);

    /**
     * {@code y += alpha * x}, x broadcast to y's shape.
     *
     * @param alpha the scale of x
     * @param x the increment, broadcastable to y's shape
     * @param y the tensor updated in place
     */
    void axpy(float alpha, Tensor x, Tensor y);

    /**
     * {@code x *= s}.
     *
     * @param x the tensor scaled in place
     * @param s the factor
     */
    void scale(Tensor x, float s);

    // ---------------------------------------------------------------- fused operations, forward and backward together

    /**
     * GELU's kernels.
     *
     * @return the GELU kernels
     */
    Gelu gelu();

    /**
     * Softmax's and log-softmax's kernels.
     *
     * @return the softmax kernels
     */
    Softmax softmax();

    /**
     * Layer norm's kernels.
     *
     * @return the layer norm kernels
     */
    LayerNorm layerNorm();

    /**
     * Multi-head self-attention's kernels.
     *
     * @return the self-attention kernels
     */
    SelfAttention selfAttention();

    /** GELU, erf form (PyTorch's default): {@code x Phi(x)}. */
    interface Gelu {
        /**
         * GELU of every element.
         *
         * @param x the input
         * @return a new tensor of x's shape
         */
        Tensor forward(Tensor x);

        /**
         * Gradient at {@code x} for output gradient {@code g}: {@code g * (Phi(x) + x phi(x))}, where {@code y}
         * is the forward's output {@code x Phi(x)}, from which Phi(x) is read back rather than recomputed.
         *
         * @param x the forward's input
         * @param y the forward's output
         * @param g the gradient of the loss with respect to y
         * @return a new tensor of x's shape
         */
        Tensor backward(Tensor x, Tensor y, Tensor g);
    }

    /** Softmax, or log-softmax when {@code log}, along an axis. */
    interface Softmax {
        /**
         * Softmax (log-softmax when {@code log}) of {@code x} along {@code axis}.
         *
         * @param x the input
         * @param axis the axis normalised, in {@code [0, rank)}
         * @param log whether to return log-probabilities
         * @return a new tensor of x's shape
         */
        Tensor forward(Tensor x, int axis, boolean log);

        /**
         * Gradient from the output {@code y}: {@code y (g - sum(g y))}; or of log-softmax when {@code log}
         * ({@code y} is then the log-probabilities): {@code g - exp(y) sum(g)}.
         *
         * @param y the forward's output
         * @param g the gradient of the loss with respect to y
         * @param axis the forward's axis
         * @param log whether the forward was log-softmax
         * @return a new tensor of y's shape
         */
        Tensor backward(Tensor y, Tensor g, int axis, boolean log);
    }

    /** Layer norm over the last axis: {@code (x - mean) / sqrt(var + eps) * weight + bias} (biased variance). */
    interface LayerNorm {
        /**
         * {@code weight} and {@code bias} may be null. When {@code meanOut}/{@code rstdOut} are given
         * (contiguous, one element per row) the row statistics are written there for the backward pass.
         *
         * @param x the input, normalised over its last axis
         * @param weight the scale [last], or null
         * @param bias the shift [last], or null
         * @param eps added to the variance, for stability
         * @param meanOut receives each row's mean, or null
         * @param rstdOut receives each row's 1 / sqrt(var + eps), or null
         * @return a new tensor of x's shape
         */
        Tensor forward(Tensor x, Tensor weight, Tensor bias, float eps, Tensor meanOut, Tensor rstdOut);

        /**
         * Gradients given the statistics saved by the forward pass: {@code {dx, dweight, dbias}}; the last two
         * are null when {@code weight} is null or {@code affineGrads} is false.
         *
         * @param x the forward's input
         * @param mean each row's mean, from the forward
         * @param rstd each row's 1 / sqrt(var + eps), from the forward
         * @param weight the scale [last], or null
         * @param g the gradient of the loss with respect to the output
         * @param affineGrads whether to compute dweight and dbias
         * @return {@code {dx, dweight, dbias}}
         */
        Tensor[] backward(Tensor x, Tensor mean, Tensor rstd, Tensor weight, Tensor g, boolean affineGrads);
    }

    /**
     * Multi-head self-attention from a fused projection: {@code qkv} [B, N, 3D] holds each token's queries,
     * keys and values (timm's layout: [q | k | v], each split into {@code heads} heads of D/heads); the result
     * [B, N, D] holds the heads' contexts side by side, {@code softmax(q k^T * scale) v} per head.
     */
    interface SelfAttention {
        /**
         * The context and the attention probabilities [B, heads, N, N], which are all the backward pass needs.
         *
         * @param out the context, [B, N, D]
         * @param probs the attention probabilities, [B, heads, N, N]
         */
        record Result(Tensor out, Tensor probs) {}

        /**
         * The heads' contexts and their attention probabilities.
         *
         * @param qkv the fused projection, [B, N, 3D]
         * @param heads the number of heads; divides D
         * @param scale the factor on q k^T, usually 1 / sqrt(D/heads)
         * @return the context [B, N, D] and the probabilities [B, heads, N, N]
         */
        Result forward(Tensor qkv, int heads, float scale);

        /**
         * Gradient of qkv [B, N, 3D] for the context's gradient {@code g} [B, N, D].
         *
         * @param qkv the forward's input, [B, N, 3D]
         * @param probs the forward's probabilities, [B, heads, N, N]
         * @param g the gradient of the context, [B, N, D]
         * @param heads the number of heads
         * @param scale the forward's factor on q k^T
         * @return a new tensor of shape [B, N, 3D]
         */
        Tensor backward(Tensor qkv, Tensor probs, Tensor g, int heads, float scale);
    }
}

/**
 * Holds the current backend; separate so the interface stays free of state. The implementation is found
 * through {@link java.util.ServiceLoader} so the interface never names it (no import cycle).
 */
final class Holder {
    /** The flag a JVM needs for the Vector API; named in the error when it is missing. */
    static final String VECTOR_FLAG = "--add-modules=jdk.incubator.vector";

    static volatile Backend current;

    private Holder() {}

    /**
     * The default backend, created on first use. Without the incubator module in the JVM's module graph the
     * backend's first kernel would fail with a bare NoClassDefFoundError; this names the missing flag instead.
     */
    static synchronized Backend vectorBackend() {
        if (current == null) {
            ModuleLayer layer = Holder.class.getModule().getLayer();
            if ((layer == null ? ModuleLayer.boot() : layer).findModule("jdk.incubator.vector").isEmpty())
                throw new IllegalStateException("mdlora needs the JDK's Vector API: start java with " + VECTOR_FLAG
                        + " (Maven Surefire/exec: add it to argLine/jvmArgs; Gradle: applicationDefaultJvmArgs/jvmArgs)");
            current = java.util.ServiceLoader.load(Backend.class, Backend.class.getClassLoader()).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no mdlora.tensor.Backend implementation on the class path (META-INF/services)"));
        }
        return current;
    }
}
