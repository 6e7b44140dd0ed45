package mdlora.tensor.cpu;

import static mdlora.tensor.cpu.VectorMath.F;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import mdlora.tensor.BinaryOp;
import mdlora.tensor.Parallel;
import mdlora.tensor.ReduceOp;
import mdlora.tensor.Shape;
import mdlora.tensor.Tensor;

/**
 * The kernels of reductions over axes and of the whole-tensor sum. The input's axes are merged into runs of
 * kept and of reduced axes; each run of reduced axes is one pass over an [outer, n, inner] block:
 * whole rows when inner is 1 (trailing axes), else SIMD updates of a tile of columns, row after row
 * (leading axes, as for a bias gradient). Work is cut at boundaries that do not depend on the
 * thread count, so neither do the results.
 */
final class Reductions {
    private static final int L = F.length();
    /** Rows longer than this are reduced in blocks of this length, on several threads. */
    static final int BLOCK = 1 << 14;
    /** Columns accumulated together: their partial results stay in L1. */
    private static final int TILE = 1024;

    private Reductions() {}

    /** The reduction of a contiguous, non-empty tensor, one pass per run of reduced axes, innermost first. */
    static float[] reduceContiguous(ReduceOp op, Tensor x, boolean[] reduced) {
        int[] shape = x.shape(), sizes = new int[shape.length];
        boolean[] isReduced = new boolean[shape.length];
        int groups = 0;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] == 1) continue;
            if (groups > 0 && isReduced[groups - 1] == reduced[i]) sizes[groups - 1] *= shape[i];
            else {
                sizes[groups] = shape[i];
                isReduced[groups++] = reduced[i];
            }
        }
        float[] data = x.storage();
        int off = x.offset();
        boolean reducedSomething = false;
        for (int g = groups - 1; g >= 0; g--) {
            if (!isReduced[g]) continue;
            int outer = 1, inner = 1;
            for (int i = 0; i < g; i++) outer *= sizes[i];
            for (int i = g + 1; i < groups; i++) inner *= sizes[i];
            float[] next = new float[outer * inner];
            if (inner == 1) reduceRows(op, data, off, outer, sizes[g], next);
            else reduceColumns(op, data, off, outer, sizes[g], inner, next);
            data = next;
            off = 0;
            sizes[g] = 1;
            reducedSomething = true;
        }
        return reducedSomething ? data : Arrays.copyOfRange(data, off, off + x.numel());
    }

    /** out[o] = op over row o of a contiguous [rows, n] block. */
    private static void reduceRows(ReduceOp op, float[] x, int off, int rows, int n, float[] out) {
        int blocks = (n + BLOCK - 1) / BLOCK;
        float[] partial = blocks == 1 ? out : new float[rows * blocks];
        Parallel.range(rows * blocks, Math.max(1, StridedLoop.GRAIN / Math.min(n, BLOCK)), (s, e) -> {
            for (int t = s; t < e; t++) {
                int start = (t % blocks) * BLOCK;
                partial[t] = reduceRow(op, x, off + (t / blocks) * n + start, Math.min(BLOCK, n - start));
            }
        });
        if (blocks > 1) for (int o = 0; o < rows; o++) out[o] = reduceRow(op, partial, o * blocks, blocks);
    }

    /** out[o, c] = op over r of x[o, r, c] for a contiguous [outer, n, inner] block. */
    private static void reduceColumns(ReduceOp op, float[] x, int off, int outer, int n, int inner, float[] out) {
        BinaryOp combine = op == ReduceOp.MAX ? BinaryOp.MAX : op == ReduceOp.MIN ? BinaryOp.MIN : BinaryOp.ADD;
        Parallel.range(outer * inner, Math.max(L, StridedLoop.GRAIN / n), (s, e) -> {
            for (int q = s; q < e; ) {
                int o = q / inner, from = q % inner, to = Math.min(Math.min(inner, from + TILE), e - o * inner);
                int src = off + o * n * inner, dst = o * inner;
                System.arraycopy(x, src + from, out, dst + from, to - from);
                for (int r = 1; r < n; r++)
                    Elementwise.binary(combine, to - from, out, dst + from, 1, x, src + r * inner + from, 1, out, dst + from, 1);
                q = dst + to;
            }
        });
    }

    /** op over {@code n} elements from {@code off}. */
    static float reduceRow(ReduceOp op, float[] d, int off, int n) {
        return switch (op) {
            case SUM, MEAN -> sum(d, off, n);
            case MAX -> max(d, off, n, 1f);
            case MIN -> -max(d, off, n, -1f);
        };
    }

    /** Four accumulators hide the latency of the vector add. */
    static float sum(float[] d, int off, int n) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        int i = 0;
        for (int up = n - 4 * L; i <= up; i += 4 * L) {
            a0 = a0.add(FloatVector.fromArray(F, d, off + i));
            a1 = a1.add(FloatVector.fromArray(F, d, off + i + L));
            a2 = a2.add(FloatVector.fromArray(F, d, off + i + 2 * L));
            a3 = a3.add(FloatVector.fromArray(F, d, off + i + 3 * L));
        }
        for (; i <= n - L; i += L) a0 = a0.add(FloatVector.fromArray(F, d, off + i));
        float s = sumLanes(a0.add(a1).add(a2.add(a3)));
        for (; i < n; i++) s += d[off + i];
        return s;
    }

    /**
     * The lanes' sum in lane order. reduceLanes(ADD) may reassociate, and does so differently in
     * compiled and interpreted code, which would make results depend on how warm the JIT is.
     */
    static float sumLanes(FloatVector v) {
        float s = 0;
        for (int i = 0; i < L; i++) s += v.lane(i);
        return s;
    }

    /**
     * Largest element of {@code sign * d} (sign -1 gives minus the smallest); NaN when any element is
     * NaN, as vector max, like Math.max, propagates it.
     */
    private static float max(float[] d, int off, int n, float sign) {
        FloatVector a0 = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY), a1 = a0;
        int i = 0;
        for (int up = n - 2 * L; i <= up; i += 2 * L) {
            a0 = a0.max(FloatVector.fromArray(F, d, off + i).mul(sign));
            a1 = a1.max(FloatVector.fromArray(F, d, off + i + L).mul(sign));
        }
        float m = a0.max(a1).reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) m = Math.max(m, sign * d[off + i]);
        return m;
    }


}
