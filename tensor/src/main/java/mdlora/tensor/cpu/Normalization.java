package mdlora.tensor.cpu;

import static mdlora.tensor.cpu.VectorMath.F;

import jdk.incubator.vector.FloatVector;
import mdlora.tensor.BinaryOp;
import mdlora.tensor.Parallel;
import mdlora.tensor.ReduceOp;
import mdlora.tensor.Shape;
import mdlora.tensor.Tensor;

/**
 * Softmax, log-softmax and layer norm over rows of the last axis (softmax along another axis
 * transposes that axis last and back).
 */
final class Normalization {
    private static final int L = F.length();

    private Normalization() {}

    static Tensor softmax(Tensor x, int axis, boolean log) {
        int last = x.rank() - 1;
        if (axis != last) return softmax(x.transpose(axis, last), last, log).transpose(axis, last).contiguous();
        Tensor c = x.contiguous();
        int n = x.size(last), rows = n == 0 ? 0 : x.numel() / n;
        float[] in = c.storage(), out = new float[x.numel()];
        int base = c.offset();
        Parallel.range(rows, Math.max(1, StridedLoop.GRAIN / Math.max(n, 1)), (s, e) -> {
            for (int r = s; r < e; r++) softmaxRow(in, base + r * n, out, r * n, n, log);
        });
        return Tensor.of(out, x.shape());
    }

    /**
     * One row: subtract the max, exponentiate, then normalise or (log) subtract the log of the sum.
     * The exponentials go to {@code out} in both cases (log-softmax then overwrites them), so one
     * loop without a branch serves both.
     */
    static void softmaxRow(float[] in, int io, float[] out, int oo, int n, boolean log) {
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

    static Tensor layerNorm(Tensor x, Tensor weight, Tensor bias, float eps, Tensor meanOut, Tensor rstdOut) {
        if (x.rank() == 0) throw new IllegalArgumentException("layerNorm needs an input of rank >= 1, got a scalar");
        int n = x.size(-1);
        int rows = n == 0 ? 0 : x.numel() / n;
        checkVector("weight", weight, n, x);
        checkVector("bias", bias, n, x);
        checkStats("mean", meanOut, rows);
        checkStats("rstd", rstdOut, rows);
        Tensor c = x.contiguous();
        float[] in = c.storage(), out = new float[x.numel()];
        int base = c.offset();
        // absent affine parameters become ones and zeros: one branch-free loop serves every case
        float[] w = weight == null ? Tensor.ones(n).storage() : weight.contiguousData();
        float[] b = bias == null ? new float[n] : bias.contiguousData();
        Parallel.range(rows, Math.max(1, StridedLoop.GRAIN / Math.max(n, 1)), (s, e) -> {
            for (int r = s; r < e; r++) {
                int io = base + r * n, oo = r * n;
                float[] stats = rowStats(in, io, n);
                float mean = stats[0], rstd = (float) (1 / Math.sqrt(stats[1] + eps));
                if (meanOut != null) meanOut.storage()[meanOut.offset() + r] = mean;
                if (rstdOut != null) rstdOut.storage()[rstdOut.offset() + r] = rstd;
                int i = 0;
                for (int up = F.loopBound(n); i < up; i += L)
                    FloatVector.fromArray(F, in, io + i).sub(mean).mul(rstd)
                            .fma(FloatVector.fromArray(F, w, i), FloatVector.fromArray(F, b, i)).intoArray(out, oo + i);
                for (; i < n; i++) out[oo + i] = Math.fma((in[io + i] - mean) * rstd, w[i], b[i]);
            }
        });
        return Tensor.of(out, x.shape());
    }

    /**
     * Mean and biased variance of a row, by the corrected two-pass method: the second pass also sums
     * the deviations, whose mean is the rounding error of the first mean. Without it a constant row
     * can get a nonzero variance, which 1/sqrt(var + eps) magnifies.
     */
    private static float[] rowStats(float[] in, int io, int n) {
        float mean = Reductions.reduceRow(ReduceOp.SUM, in, io, n) / n;
        FloatVector sum = FloatVector.zero(F), sq = sum;
        int i = 0;
        for (int up = F.loopBound(n); i < up; i += L) {
            FloatVector d = FloatVector.fromArray(F, in, io + i).sub(mean);
            sum = sum.add(d);
            sq = d.fma(d, sq);
        }
        float s = Reductions.sumLanes(sum), q = Reductions.sumLanes(sq);
        for (; i < n; i++) {
            float d = in[io + i] - mean;
            s += d;
            q += d * d;
        }
        float correction = s / n;
        return new float[] {mean + correction, Math.max(q / n - correction * correction, 0f)};
    }

    private static void checkVector(String what, Tensor t, int n, Tensor x) {
        if (t != null && (t.rank() != 1 || t.size(0) != n))
            throw new IllegalArgumentException("layerNorm: " + what + " has shape " + Shape.str(t.shape()) + ", input " + Shape.str(x.shape()) + " needs [" + n + "]");
    }

    private static void checkStats(String what, Tensor t, int rows) {
        if (t != null && (!t.isContiguous() || t.numel() != rows))
            throw new IllegalArgumentException("layerNorm: " + what + " output must be contiguous with " + rows + " elements, has shape " + Shape.str(t.shape()));
    }
}
