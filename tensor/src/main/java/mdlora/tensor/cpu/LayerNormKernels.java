package mdlora.tensor.cpu;

import static mdlora.tensor.cpu.VectorMath.F;

import jdk.incubator.vector.FloatVector;
import mdlora.tensor.Backend;
import mdlora.tensor.Parallel;
import mdlora.tensor.ReduceOp;
import mdlora.tensor.Shape;
import mdlora.tensor.Tensor;

/** Layer norm over rows of the last axis, forward and backward, one pass over each row. */
final class LayerNormKernels implements Backend.LayerNorm {
    static final LayerNormKernels INSTANCE = new LayerNormKernels();
    private static final int L = F.length();
    /** Rows per partial sum of the affine gradients: a fixed block keeps the sum independent of the thread count. */
    private static final int ROW_BLOCK = 64;

    private LayerNormKernels() {}

    @Override
    public Tensor forward(Tensor x, Tensor weight, Tensor bias, float eps, Tensor meanOut, Tensor rstdOut) {
        if (x.rank() == 0) throw new IllegalArgumentException("layerNorm needs an input of rank >= 1, got a scalar");
        int n = x.size(-1);
        int rows = n == 0 ? 0 : x.numel() / n;
        checkVector("weight", weight, n, x);
        checkVector("bias", bias, n, x);
        checkStats("mean", meanOut, rows);
        checkStats("rstd", rstdOut, rows);
        Tensor c = x.contiguous();
        float[] in = c.storage(), out = Tensor.zeros(x.numel()).storage();
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
    @Override
    public Tensor[] backward(Tensor x, Tensor mean, Tensor rstd, Tensor weight, Tensor g, boolean affineGrads) {
        Shape.requireSame("layerNorm backward", x.shape(), g.shape());
        int n = x.size(-1), rows = n == 0 ? 0 : x.numel() / n;
        Tensor xc = x.contiguous(), gc = g.contiguous();
        float[] xd = xc.storage(), gd = gc.storage(), dx = Tensor.zeros(x.numel()).storage();
        float[] md = mean.contiguousData(), rd = rstd.contiguousData();
        float[] w = weight == null ? null : weight.contiguousData();
        int xo = xc.offset(), go = gc.offset();
        Parallel.range(rows, Math.max(1, StridedLoop.GRAIN / Math.max(n, 1)), (s, e) -> {
            float[] gh = new float[n];
            for (int r = s; r < e; r++) inputGradRow(xd, xo + r * n, gd, go + r * n, md[r], rd[r], w, gh, dx, r * n, n);
        });
        Tensor[] out = {Tensor.of(dx, x.shape()), null, null};
        if (w != null && affineGrads) {
            int blocks = (rows + ROW_BLOCK - 1) / ROW_BLOCK;
            float[][] dw = new float[blocks][], db = new float[blocks][];
            Parallel.range(blocks, 1, (s, e) -> {
                for (int b = s; b < e; b++) {
                    dw[b] = new float[n];
                    db[b] = new float[n];
                    for (int r = b * ROW_BLOCK; r < Math.min(rows, (b + 1) * ROW_BLOCK); r++)
                        affineGradRow(xd, xo + r * n, gd, go + r * n, md[r], rd[r], dw[b], db[b], n);
                }
            });
            float[] w1 = new float[n], b1 = new float[n];
            for (int b = 0; b < blocks; b++)
                for (int j = 0; j < n; j++) { w1[j] += dw[b][j]; b1[j] += db[b][j]; }
            out[1] = Tensor.of(w1, n);
            out[2] = Tensor.of(b1, n);
        }
        return out;
    }

    /** dx = rstd * (gh - mean(gh) - xhat * mean(gh * xhat)) with gh = g * w and xhat = (x - mean) * rstd. */
    private static void inputGradRow(float[] x, int xr, float[] g, int gr, float mu, float rs, float[] w,
                                     float[] gh, float[] dx, int o, int n) {
        float sumGh = 0, sumGhX = 0;
        for (int j = 0; j < n; j++) {
            float h = w == null ? g[gr + j] : g[gr + j] * w[j];
            gh[j] = h;
            sumGh += h;
            sumGhX += h * (x[xr + j] - mu) * rs;
        }
        float a = sumGh / n, b = sumGhX / n;
        int j = 0;
        for (int up = F.loopBound(n); j < up; j += L) {
            FloatVector xhat = FloatVector.fromArray(F, x, xr + j).sub(mu).mul(rs);
            FloatVector.fromArray(F, gh, j).sub(a).sub(xhat.mul(b)).mul(rs).intoArray(dx, o + j);
        }
        for (; j < n; j++) dx[o + j] = rs * (gh[j] - a - (x[xr + j] - mu) * rs * b);
    }

    private static void affineGradRow(float[] x, int xr, float[] g, int gr, float mu, float rs, float[] dw, float[] db, int n) {
        int j = 0;
        for (int up = F.loopBound(n); j < up; j += L) {
            FloatVector gv = FloatVector.fromArray(F, g, gr + j);
            FloatVector xhat = FloatVector.fromArray(F, x, xr + j).sub(mu).mul(rs);
            gv.fma(xhat, FloatVector.fromArray(F, dw, j)).intoArray(dw, j);
            gv.add(FloatVector.fromArray(F, db, j)).intoArray(db, j);
        }
        for (; j < n; j++) {
            dw[j] += g[gr + j] * (x[xr + j] - mu) * rs;
            db[j] += g[gr + j];
        }
    }
}
