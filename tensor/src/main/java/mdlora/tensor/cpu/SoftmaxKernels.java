package mdlora.tensor.cpu;

import static mdlora.tensor.cpu.VectorMath.F;

import jdk.incubator.vector.FloatVector;
import mdlora.tensor.Backend;
import mdlora.tensor.BinaryOp;
import mdlora.tensor.Parallel;
import mdlora.tensor.ReduceOp;
import mdlora.tensor.Shape;
import mdlora.tensor.Tensor;

/**
 * Softmax and log-softmax over rows of the last axis, forward and backward (along another axis the
 * kernels transpose that axis last and back).
 */
final class SoftmaxKernels implements Backend.Softmax {
    static final SoftmaxKernels INSTANCE = new SoftmaxKernels();
    private static final int L = F.length();

    private SoftmaxKernels() {}

    @Override
    public Tensor forward(Tensor x, int axis, boolean log) {
        int last = x.rank() - 1;
        if (axis != last) return forward(x.transpose(axis, last), last, log).transpose(axis, last).contiguous();
        Tensor c = x.contiguous();
        float[] out = Tensor.zeros(x.numel()).storage();
        rows(c.storage(), c.offset(), out, 0, x.numel(), x.size(last), log);
        return Tensor.of(out, x.shape());
    }

    /** (Log-)softmax of the {@code numel / n} rows of {@code n} from {@code in[inBase]} into {@code out[outBase]}. */
    private static void rows(float[] in, int inBase, float[] out, int outBase, int numel, int n, boolean log) {
        int count = n == 0 ? 0 : numel / n;
        Parallel.range(count, Math.max(1, StridedLoop.GRAIN / Math.max(n, 1)), (s, e) -> {
            for (int r = s; r < e; r++) forwardRow(in, inBase + r * n, out, outBase + r * n, n, log);
        });
    }

    /**
     * One row: subtract the max, exponentiate, then normalise or (log) subtract the log of the sum.
     * The exponentials go to {@code out} in both cases (log-softmax then overwrites them), so one
     * loop without a branch serves both.
     */
    private static void forwardRow(float[] in, int io, float[] out, int oo, int n, boolean log) {
        float max = Reductions.reduceRow(ReduceOp.MAX, in, io, n);
        int i = 0;
        FloatVector acc = FloatVector.zero(F);
        for (int up = F.loopBound(n); i < up; i += L) {
            FloatVector e = VectorMath.exp(FloatVector.fromArray(F, in, io + i).sub(max));
            e.intoArray(out, oo + i);
            acc = acc.add(e);
        }
        float sum = Reductions.sumLanes(acc);
        for (; i < n; i++) sum += out[oo + i] = (float) Math.exp(in[io + i] - max);
        if (log) Elementwise.binary(BinaryOp.SUB, n, in, io, max + (float) Math.log(sum), out, oo);
        else Elementwise.binary(BinaryOp.MUL, n, out, oo, 1f / sum, out, oo);
    }

    @Override
    public Tensor backward(Tensor y, Tensor g, int axis, boolean log) {
        Shape.requireSame("softmax backward", y.shape(), g.shape());
        int last = y.rank() - 1;
        if (axis != last)
            return backward(y.transpose(axis, last), g.transpose(axis, last), last, log).transpose(axis, last).contiguous();
        Tensor yc = y.contiguous(), gc = g.contiguous();
        int n = y.size(last), rows = n == 0 ? 0 : y.numel() / n;
        float[] yd = yc.storage(), gd = gc.storage(), out = Tensor.zeros(y.numel()).storage();
        int yo = yc.offset(), go = gc.offset();
        Parallel.range(rows, Math.max(1, StridedLoop.GRAIN / Math.max(n, 1)), (s, e) -> {
            for (int r = s; r < e; r++) {
                int yr = yo + r * n, gr = go + r * n, orow = r * n;
                if (log) logBackwardRow(yd, yr, gd, gr, out, orow, n);
                else backwardRow(yd, yr, gd, gr, out, orow, n);
            }
        });
        return Tensor.of(out, y.shape());
    }

    /** Softmax's gradient for one row: {@code out = (g - <y, g>) * y}; {@code out} may be {@code g}, the dot product is taken first. */
    static void backwardRow(float[] y, int yr, float[] g, int gr, float[] out, int o, int n) {
        int i = 0;
        FloatVector acc = FloatVector.zero(F);
        for (int up = F.loopBound(n); i < up; i += L)
            acc = FloatVector.fromArray(F, y, yr + i).fma(FloatVector.fromArray(F, g, gr + i), acc);
        float dot = Reductions.sumLanes(acc);
        for (; i < n; i++) dot += y[yr + i] * g[gr + i];
        i = 0;
        for (int up = F.loopBound(n); i < up; i += L)
            FloatVector.fromArray(F, g, gr + i).sub(dot).mul(FloatVector.fromArray(F, y, yr + i)).intoArray(out, o + i);
        for (; i < n; i++) out[o + i] = (g[gr + i] - dot) * y[yr + i];
    }

    private static void logBackwardRow(float[] y, int yr, float[] g, int gr, float[] out, int o, int n) {
        float sum = Reductions.reduceRow(ReduceOp.SUM, g, gr, n);
        int i = 0;
        for (int up = F.loopBound(n); i < up; i += L) {
            FloatVector p = VectorMath.exp(FloatVector.fromArray(F, y, yr + i));
            FloatVector.fromArray(F, g, gr + i).sub(p.mul(sum)).intoArray(out, o + i);
        }
        for (; i < n; i++) out[o + i] = g[gr + i] - (float) Math.exp(y[yr + i]) * sum;
    }
}
