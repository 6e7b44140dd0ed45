package mdlora.tensor.cpu;

import static mdlora.tensor.cpu.MicroKernel.MR;
import static mdlora.tensor.cpu.MicroKernel.NR;
import static mdlora.tensor.cpu.VectorMath.F;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import mdlora.tensor.Backend;
import mdlora.tensor.Parallel;
import mdlora.tensor.Shape;
import mdlora.tensor.Tensor;

/**
 * Multi-head self-attention straight from a fused [B, N, 3D] projection (timm's layout), forward and
 * backward, one (batch, head) pair at a time. A pair's operands that the FMA loops stream through are
 * copied into per-thread scratch as the micro-kernel's panels ({@link Packing}: K transposed for the
 * scores, V for the context, ...); the rest are read in place through the row stride 3D, and results are
 * written in place (stride D forward, 3D for the gradient of qkv). Each strip of {@link MicroKernel#MR}
 * query rows goes scores, softmax, context while it is in cache.
 *
 * <p>Why not the batched GEMM: at ViT sizes (N = 50 or 197, head dim 64) each product is a few hundred
 * kFLOP, and the general product's blocking and packing of both operands cost most of its time (W3's
 * three products ran at 69-118 GFLOPS against the kernel's ~200). Long sequences need no GEMM path
 * either: at N = 512 and 1024 this one ran the forward as fast as the batched GEMM (0.97-1.25x) and the
 * backward 1.1-1.75x faster. Every pair is computed by one thread in a fixed order, so the results do
 * not depend on the thread count.
 */
final class AttentionKernels implements Backend.SelfAttention {
    static final AttentionKernels INSTANCE = new AttentionKernels();
    private static final int L = F.length();

    private AttentionKernels() {}

    @Override
    public Result forward(Tensor qkv, int heads, float scale) {
        if (qkv.rank() != 3 || heads <= 0 || qkv.size(2) % (3 * heads) != 0)
            throw new IllegalArgumentException("selfAttention: qkv must be [B, N, 3D] with D divisible by " + heads + " heads, got " + Shape.str(qkv.shape()));
        Layout at = new Layout(qkv.contiguous(), heads);
        Tensor probs = Tensor.zeros(at.b, heads, at.n, at.n), out = Tensor.zeros(at.b, at.n, at.d);
        Parallel.range(at.b * heads, 1, (s, e) -> {
            Scratch w = new Scratch(at, false);
            for (int pair = s; pair < e; pair++) forwardPair(at, pair, scale, probs.storage(), out.storage(), w);
        });
        return new Result(out, probs);
    }

    /** One pair's probabilities and context: per strip of query rows, scores into scratch, softmax into probs, then P V. */
    private static void forwardPair(Layout at, int pair, float scale, float[] probs, float[] out, Scratch w) {
        int n = at.n, hd = at.hd, ld = at.ld, q = at.q(pair), p = pair * n * n, o = at.out(pair);
        Packing.packB(Operand.of(at.x, q + at.d, ld, true), hd, n, 0, strips(n), w.wide);
        Packing.packB(Operand.of(at.x, q + 2 * at.d, ld, false), n, hd, 0, strips(hd), w.narrow);
        for (int i = 0; i < n; i += MR) {
            int mr = Math.min(MR, n - i);
            for (int s = 0; s < strips(n); s++)
                MicroKernel.multiplyInPlace(hd, at.x, q + i * ld, ld, w.wide, s * hd * NR, scale, 0f, w.rows, s * NR, w.width, mr, NR, w.tile);
            for (int r = 0; r < mr; r++) softmaxRow(w.rows, r * w.width, w.width, n, probs, p + (i + r) * n);
            for (int s = 0; s < strips(hd); s++)
                MicroKernel.multiplyInPlace(n, probs, p + i * n, n, w.narrow, s * n * NR, 1f, 0f, out, o + i * at.d + s * NR, at.d, mr, width(hd, s), w.tile);
        }
    }

    /**
     * Softmax of the {@code n} scores at {@code s[so]}, a row padded to {@code width} (whole vectors), into
     * {@code probs[po]}. The padding is set to -infinity, whose exp is 0, so every exp is a whole vector
     * ({@link SoftmaxKernels}' row kernel ends in scalar {@code Math.exp}, which at N = 50 cost as much as
     * a product); only the last few stores are scalar.
     */
    private static void softmaxRow(float[] s, int so, int width, int n, float[] probs, int po) {
        Arrays.fill(s, so + n, so + width, Float.NEGATIVE_INFINITY);
        FloatVector max = FloatVector.fromArray(F, s, so);
        for (int i = L; i < width; i += L) max = max.max(FloatVector.fromArray(F, s, so + i));
        float m = max.reduceLanes(VectorOperators.MAX);
        FloatVector sum = FloatVector.zero(F);
        for (int i = 0; i < width; i += L) {
            FloatVector e = VectorMath.exp(FloatVector.fromArray(F, s, so + i).sub(m));
            e.intoArray(s, so + i);
            sum = sum.add(e);
        }
        float inv = 1f / Reductions.sumLanes(sum);
        int i = 0;
        for (; i <= n - L; i += L) FloatVector.fromArray(F, s, so + i).mul(inv).intoArray(probs, po + i);
        for (; i < n; i++) probs[po + i] = s[so + i] * inv;
    }

    @Override
    public Tensor backward(Tensor qkv, Tensor probs, Tensor g, int heads, float scale) {
        Layout at = new Layout(qkv.contiguous(), heads);
        Shape.requireSame("selfAttention backward", g.shape(), new int[] {at.b, at.n, at.d});
        Tensor p = probs.contiguous(), dout = g.contiguous(), dqkv = Tensor.zeros(at.b, at.n, 3 * at.d);
        Parallel.range(at.b * heads, 1, (s, e) -> {
            Scratch w = new Scratch(at, true);
            for (int pair = s; pair < e; pair++)
                backwardPair(at, pair, scale, p.storage(), p.offset() + pair * at.n * at.n, dout.storage(), dout.offset() + at.out(pair), dqkv.storage(), w);
        });
        return dqkv;
    }

    /**
     * One pair's gradients, written into dqkv at the pair's q, k and v columns: dS = softmax'(dO V^T) row
     * by row with dQ = dS K right after it, then dK = dS^T Q and dV = P^T dO. The scale of the scores is
     * folded into dQ and dK.
     */
    private static void backwardPair(Layout at, int pair, float scale, float[] probs, int p, float[] dout, int go, float[] dqkv, Scratch w) {
        int n = at.n, hd = at.hd, ld = at.ld, q = at.q(pair), dq = q - at.x0;
        Packing.packB(Operand.of(at.x, q + 2 * at.d, ld, true), hd, n, 0, strips(n), w.wide);
        Packing.packB(Operand.of(at.x, q + at.d, ld, false), n, hd, 0, strips(hd), w.narrow);
        for (int i = 0; i < n; i += MR) {
            int mr = Math.min(MR, n - i), row = i * w.width;
            for (int s = 0; s < strips(n); s++)
                MicroKernel.multiplyInPlace(hd, dout, go + i * at.d, at.d, w.wide, s * hd * NR, 1f, 0f, w.rows, row + s * NR, w.width, mr, NR, w.tile);
            for (int r = 0; r < mr; r++)
                SoftmaxKernels.backwardRow(probs, p + (i + r) * n, w.rows, row + r * w.width, w.rows, row + r * w.width, n);
            for (int s = 0; s < strips(hd); s++)
                MicroKernel.multiplyInPlace(n, w.rows, row, w.width, w.narrow, s * n * NR, scale, 0f, dqkv, dq + i * ld + s * NR, ld, mr, width(hd, s), w.tile);
        }
        Packing.packA(Operand.of(w.rows, 0, w.width, true), n, n, w.transposed, 0);
        Packing.packB(Operand.of(at.x, q, ld, false), n, hd, 0, strips(hd), w.narrow);
        transposedProduct(at, w, scale, dqkv, dq + at.d);
        Packing.packA(Operand.of(probs, p, n, true), n, n, w.transposed, 0);
        Packing.packB(Operand.of(dout, go, at.d, false), n, hd, 0, strips(hd), w.narrow);
        transposedProduct(at, w, 1f, dqkv, dq + 2 * at.d);
    }

    /** {@code C = alpha * X^T Y} into dqkv at {@code c} (row stride 3D), X^T packed in {@code w.transposed}, Y's panels in {@code w.narrow}. */
    private static void transposedProduct(Layout at, Scratch w, float alpha, float[] dqkv, int c) {
        int n = at.n, hd = at.hd, ld = at.ld;
        for (int j = 0; j < n; j += MR)
            for (int s = 0; s < strips(hd); s++)
                MicroKernel.multiplyPacked(n, w.transposed, j * n, w.narrow, s * n * NR, alpha, 0f, dqkv, c + j * ld + s * NR, ld, Math.min(MR, n - j), width(hd, s), w.tile);
    }

    /** The number of NR-wide panels that cover {@code cols} columns. */
    private static int strips(int cols) {
        return (cols + NR - 1) / NR;
    }

    /** The width of panel {@code s} of {@code cols} columns. */
    private static int width(int cols, int s) {
        return Math.min(NR, cols - s * NR);
    }

    /** Where a pair's q, k, v and context rows are: the fused projection and its sizes. */
    private static final class Layout {
        final float[] x;
        final int x0, b, n, d, hd, ld, heads;

        Layout(Tensor qkv, int heads) {
            x = qkv.storage();
            x0 = qkv.offset();
            b = qkv.size(0);
            n = qkv.size(1);
            d = qkv.size(2) / 3;
            hd = d / heads;
            ld = 3 * d;
            this.heads = heads;
        }

        /** Index of the pair's first q element in {@link #x}; its k and v follow at +D and +2D. */
        int q(int pair) {
            return x0 + (pair / heads) * n * ld + (pair % heads) * hd;
        }

        /** Index of the pair's first context element in a contiguous [B, N, D] tensor. */
        int out(int pair) {
            return (pair / heads) * n * d + (pair % heads) * hd;
        }
    }

    /**
     * One thread's working arrays. {@code wide} holds the panels of a [head dim, N] operand (K^T forward,
     * V^T backward), {@code narrow} those of an [N, head dim] one (V forward; K, Q, dO in turn backward);
     * {@code rows} holds scores (forward: one strip of rows) or dS (backward: all N rows) at {@code width},
     * a whole number of panels, so the micro-kernel stores whole tiles; {@code transposed} holds P^T or
     * dS^T as k-major strips.
     */
    private static final class Scratch {
        final int width;
        final float[] wide, narrow, rows, transposed, tile = new float[MR * NR];

        Scratch(Layout at, boolean backward) {
            width = strips(at.n) * NR;
            wide = new float[width * at.hd];
            narrow = new float[strips(at.hd) * NR * at.n];
            rows = new float[(backward ? at.n : MR) * width];
            transposed = new float[backward ? (at.n + MR - 1) / MR * MR * at.n : 0];
        }
    }
}
