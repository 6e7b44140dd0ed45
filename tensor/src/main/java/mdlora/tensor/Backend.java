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

    /** The backend operations run on now (the Vector API CPU backend unless {@link #use} chose another). */
    static Backend current() {
        Backend b = Holder.current;
        return b != null ? b : Holder.vectorBackend();
    }

    /**
     * Makes {@code backend} the one every operation runs on, process-wide: the hook for another implementation
     * of this interface (or a test's instrumented one), not a setting for everyday use. The default needs no call.
     */
    static void use(Backend backend) {
        Holder.current = java.util.Objects.requireNonNull(backend, "backend");
    }

    /** Short name for logs and benchmark tables. */
    String name();

    /** Matrix product with NumPy semantics (1-D promotion, broadcast batch axes); transposed views cost no copy. */
    Tensor matmul(Tensor a, Tensor b);

    /**
     * {@code out = alpha * a b + beta * out}, written in place into {@code out}, which may be a strided view
     * (its rows must have unit stride): how a product lands straight in its final layout, e.g. one head's
     * context inside a [B, N, D] tensor. {@code a} and {@code b} broadcast over out's batch axes.
     */
    void matmulInto(Tensor a, Tensor b, Tensor out, float alpha, float beta);

    /**
     * A linear layer's product {@code x w^T + bias} for x [rows, in], w [out, in] and bias [out] (or null):
     * the bias is added as the product's output is written, not in a second pass over it, with the same
     * rounding as {@code matmul} followed by that pass.
     */
    Tensor linear(Tensor x, Tensor w, Tensor bias);

    /** {@code op(x)} for every element. */
    Tensor unary(UnaryOp op, Tensor x);

    /** {@code op(a, b)} with NumPy broadcasting. */
    Tensor binary(BinaryOp op, Tensor a, Tensor b);

    /** {@code op(x, s)} for every element. */
    Tensor binaryScalar(BinaryOp op, Tensor x, float s);

    /** Reduction over sorted, distinct axes. */
    Tensor reduce(ReduceOp op, Tensor x, int[] axes, boolean keepDims);

    /** Index of the maximum along {@code axis} (first on ties), axis removed. */
    Tensor argmax(Tensor x, int axis);

    /** Sum of every element, accumulated in double. */
    double sumAll(Tensor x);

    /** Writes {@code src}, broadcast to {@code dst}'s shape, into {@code dst}. */
    void copy(Tensor src, Tensor dst);

    /** Sets every element of {@code dst} to {@code value}. */
    void fill(Tensor dst, float value);

    /** {@code y += alpha * x}, x broadcast to y's shape. */
    void axpy(float alpha, Tensor x, Tensor y);

    /** {@code x *= s}. */
    void scale(Tensor x, float s);

    // ---------------------------------------------------------------- fused operations, forward and backward together

    /** GELU's kernels. */
    Gelu gelu();

    /** Softmax's and log-softmax's kernels. */
    Softmax softmax();

    /** Layer norm's kernels. */
    LayerNorm layerNorm();

    /** Multi-head self-attention's kernels. */
    SelfAttention selfAttention();

    /** GELU, erf form (PyTorch's default): {@code x Phi(x)}. */
    interface Gelu {
        /** GELU of every element. */
        Tensor forward(Tensor x);

        /**
         * Gradient at {@code x} for output gradient {@code g}: {@code g * (Phi(x) + x phi(x))}, where {@code y}
         * is the forward's output {@code x Phi(x)}, from which Phi(x) is read back rather than recomputed.
         */
        Tensor backward(Tensor x, Tensor y, Tensor g);
    }

    /** Softmax, or log-softmax when {@code log}, along an axis. */
    interface Softmax {
        /** Softmax (log-softmax when {@code log}) of {@code x} along {@code axis}. */
        Tensor forward(Tensor x, int axis, boolean log);

        /**
         * Gradient from the output {@code y}: {@code y (g - sum(g y))}; or of log-softmax when {@code log}
         * ({@code y} is then the log-probabilities): {@code g - exp(y) sum(g)}.
         */
        Tensor backward(Tensor y, Tensor g, int axis, boolean log);
    }

    /** Layer norm over the last axis: {@code (x - mean) / sqrt(var + eps) * weight + bias} (biased variance). */
    interface LayerNorm {
        /**
         * {@code weight} and {@code bias} may be null. When {@code meanOut}/{@code rstdOut} are given
         * (contiguous, one element per row) the row statistics are written there for the backward pass.
         */
        Tensor forward(Tensor x, Tensor weight, Tensor bias, float eps, Tensor meanOut, Tensor rstdOut);

        /**
         * Gradients given the statistics saved by the forward pass: {@code {dx, dweight, dbias}}; the last two
         * are null when {@code weight} is null or {@code affineGrads} is false.
         */
        Tensor[] backward(Tensor x, Tensor mean, Tensor rstd, Tensor weight, Tensor g, boolean affineGrads);
    }

    /**
     * Multi-head self-attention from a fused projection: {@code qkv} [B, N, 3D] holds each token's queries,
     * keys and values (timm's layout: [q | k | v], each split into {@code heads} heads of D/heads); the result
     * [B, N, D] holds the heads' contexts side by side, {@code softmax(q k^T * scale) v} per head.
     */
    interface SelfAttention {
        /** The context and the attention probabilities [B, heads, N, N], which are all the backward pass needs. */
        record Result(Tensor out, Tensor probs) {}

        /** The heads' contexts and their attention probabilities. */
        Result forward(Tensor qkv, int heads, float scale);

        /** Gradient of qkv [B, N, 3D] for the context's gradient {@code g} [B, N, D]. */
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
