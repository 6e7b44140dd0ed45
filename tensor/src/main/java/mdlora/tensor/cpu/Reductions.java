package mdlora.tensor.cpu;

import static mdlora.tensor.cpu.VectorMath.F;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import mdlora.tensor.Parallel;
import mdlora.tensor.ReduceOp;
import mdlora.tensor.Shape;
import mdlora.tensor.Tensor;

/** Reductions over axes, argmax and the whole-tensor sum. */
final class Reductions {
    private static final int L = F.length();

    private Reductions() {}

    static Tensor reduce(ReduceOp op, Tensor x, int[] axes, boolean keepDims) {
        int rank = x.rank();
        boolean[] reduced = new boolean[rank];
        for (int a : axes) reduced[a] = true;
        int[] order = new int[rank];
        int kept = 0, reducedCount = 1;
        for (int i = 0; i < rank; i++) if (!reduced[i]) order[kept++] = i;
        int j = kept;
        for (int i = 0; i < rank; i++) if (reduced[i]) { order[j++] = i; reducedCount *= x.size(i); }
        final int count = reducedCount;
        int[] keptShape = new int[kept];
        for (int i = 0; i < kept; i++) keptShape[i] = x.size(order[i]);
        int rows = Shape.numel(keptShape);
        if (count == 0 && (op == ReduceOp.MAX || op == ReduceOp.MIN))
            throw new IllegalArgumentException(op + " over an empty axis of shape " + Shape.str(x.shape()));
        float[] out = new float[rows];
        int[] reducedFirst = new int[rank];
        System.arraycopy(order, kept, reducedFirst, 0, rank - kept);
        System.arraycopy(order, 0, reducedFirst, rank - kept, kept);
        Tensor leading = x.permute(reducedFirst);
        if (op != ReduceOp.MAX && op != ReduceOp.MIN && kept > 0 && leading.isContiguous() && count > 1) {
            sumColumns(leading.storage(), leading.offset(), count, rows, out);
        } else {
            Tensor rowsView = x.permute(order).contiguous().reshape(rows, count);
            float[] d = rowsView.storage();
            int base = rowsView.offset();
            Parallel.range(rows, Math.max(1, StridedLoop.GRAIN / Math.max(1, count)), (s, e) -> {
                for (int r = s; r < e; r++) out[r] = reduceRow(op, d, base + r * count, count);
            });
        }
        if (op == ReduceOp.MEAN) {
            float inv = 1f / count;
            for (int r = 0; r < rows; r++) out[r] *= inv;
        }
        Tensor result = Tensor.of(out, keptShape);
        if (!keepDims) return result;
        int[] keepShape = x.shape();
        for (int a : axes) keepShape[a] = 1;
        return result.reshape(keepShape);
    }

    /** out[c] = sum over r of m[r, c] for a row-major count x cols block; rows of SIMD adds. */
    private static void sumColumns(float[] m, int off, int count, int cols, float[] out) {
        Parallel.range(cols, Math.max(L, StridedLoop.GRAIN / count), (s, e) -> {
            for (int r = 0; r < count; r++) {
                int row = off + r * cols;
                int c = s;
                for (int up = s + F.loopBound(e - s); c < up; c += L)
                    FloatVector.fromArray(F, out, c).add(FloatVector.fromArray(F, m, row + c)).intoArray(out, c);
                for (; c < e; c++) out[c] += m[row + c];
            }
        });
    }

    static float reduceRow(ReduceOp op, float[] d, int off, int n) {
        int i = 0;
        switch (op) {
            case SUM, MEAN -> {
                FloatVector acc = FloatVector.zero(F);
                for (int up = F.loopBound(n); i < up; i += L) acc = acc.add(FloatVector.fromArray(F, d, off + i));
                float s = acc.reduceLanes(VectorOperators.ADD);
                for (; i < n; i++) s += d[off + i];
                return s;
            }
            case MAX -> {
                float m = Float.NEGATIVE_INFINITY;
                boolean nan = false;
                if (n >= L) {
                    FloatVector acc = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
                    for (int up = F.loopBound(n); i < up; i += L) acc = acc.max(FloatVector.fromArray(F, d, off + i));
                    m = acc.reduceLanes(VectorOperators.MAX);
                }
                for (; i < n; i++) m = Math.max(m, d[off + i]);
                for (int k = 0; k < n && !nan; k++) nan = Float.isNaN(d[off + k]);
                return nan ? Float.NaN : m;
            }
            case MIN -> {
                float m = Float.POSITIVE_INFINITY;
                for (; i < n; i++) m = Math.min(m, d[off + i]);
                return m;
            }
        }
        throw new AssertionError(op);
    }

    static Tensor argmax(Tensor x, int axis) {
        int[] order = new int[x.rank()];
        int j = 0;
        for (int i = 0; i < x.rank(); i++) if (i != axis) order[j++] = i;
        order[j] = axis;
        int n = x.size(axis);
        if (n == 0) throw new IllegalArgumentException("argmax over an empty axis of shape " + Shape.str(x.shape()));
        Tensor rowsView = x.permute(order).contiguous();
        int rows = x.numel() / n;
        float[] d = rowsView.storage(), out = new float[rows];
        int base = rowsView.offset();
        for (int r = 0; r < rows; r++) {
            int best = 0;
            float bv = d[base + r * n];
            for (int i = 1; i < n; i++) {
                float v = d[base + r * n + i];
                if (v > bv || (Float.isNaN(v) && !Float.isNaN(bv))) { bv = v; best = i; }
            }
            out[r] = best;
        }
        int[] shape = new int[x.rank() - 1];
        for (int i = 0; i < shape.length; i++) shape[i] = x.size(order[i]);
        return Tensor.of(out, shape);
    }

    static double sumAll(Tensor x) {
        Tensor c = x.contiguous();
        float[] d = c.storage();
        int off = c.offset(), n = c.numel();
        double s = 0;
        int block = 1024;
        for (int b = 0; b < n; b += block) s += reduceRow(ReduceOp.SUM, d, off + b, Math.min(block, n - b));
        return s;
    }
}
