package mdlora.tensor.cpu;

import static mdlora.tensor.cpu.VectorMath.F;

import jdk.incubator.vector.FloatVector;
import mdlora.tensor.Parallel;
import mdlora.tensor.Shape;
import mdlora.tensor.Tensor;

/** Backward kernels of the fused operations (GELU, softmax, layer norm), one pass over each row. */
final class Gradients {
    private static final int L = F.length();
    private static final float INV_SQRT_2PI = (float) (1 / Math.sqrt(2 * Math.PI));
    /** Rows per partial sum of the affine gradients: a fixed block keeps the sum independent of the thread count. */
    private static final int ROW_BLOCK = 64;
    /** Elements per block of the GELU backward's two loops: input, gradient and output stay in L1. */
    private static final int GELU_BLOCK = 1024;

    private Gradients() {}

    static Tensor geluBackward(Tensor x, Tensor g) {
        requireSameShape("geluBackward", x, g);
        Tensor xc = x.contiguous(), gc = g.contiguous();
        float[] xd = xc.storage(), gd = gc.storage(), out = new float[x.numel()];
        int xo = xc.offset(), go = gc.offset();
        Parallel.range(out.length, StridedLoop.GRAIN, (s, e) -> {
            // Phi and the rest in two loops over cache-sized blocks: fused into one loop with both
            // exponentials, C2 compiles it a third slower than the two apart.
            for (int b = s; b < e; b += GELU_BLOCK) {
                int end = Math.min(e, b + GELU_BLOCK);
                phi(xd, xo, out, b, end);
                geluSlope(xd, xo, gd, go, out, b, end);
            }
        });
        return Tensor.of(out, x.shape());
    }

    /** out[i] = Phi(x[xo + i]) for i in [from, to). */
    private static void phi(float[] x, int xo, float[] out, int from, int to) {
        int i = from;
        for (int up = from + F.loopBound(to - from); i < up; i += L) VectorMath.phi(FloatVector.fromArray(F, x, xo + i)).intoArray(out, i);
        for (; i < to; i++) out[i] = VectorMath.phi(x[xo + i]);
    }

    /** out[i] = (out[i] + x N(x)) g for i in [from, to), N the standard normal density: GELU's slope is Phi(x) + x N(x). */
    private static void geluSlope(float[] x, int xo, float[] g, int go, float[] out, int from, int to) {
        int i = from;
        for (int up = from + F.loopBound(to - from); i < up; i += L) {
            FloatVector v = FloatVector.fromArray(F, x, xo + i);
            FloatVector pdf = VectorMath.exp(v.mul(v).mul(-0.5f)).mul(INV_SQRT_2PI);
            FloatVector.fromArray(F, out, i).add(v.mul(pdf)).mul(FloatVector.fromArray(F, g, go + i)).intoArray(out, i);
        }
        for (; i < to; i++) {
            float v = x[xo + i];
            out[i] = (out[i] + v * INV_SQRT_2PI * (float) Math.exp(-0.5f * v * v)) * g[go + i];
        }
    }

    static Tensor softmaxBackward(Tensor y, Tensor g, int axis, boolean log) {
        requireSameShape("softmaxBackward", y, g);
        int last = y.rank() - 1;
        if (axis != last)
            return softmaxBackward(y.transpose(axis, last), g.transpose(axis, last), last, log).transpose(axis, last).contiguous();
        Tensor yc = y.contiguous(), gc = g.contiguous();
        int n = y.size(last), rows = n == 0 ? 0 : y.numel() / n;
        float[] yd = yc.storage(), gd = gc.storage(), out = new float[y.numel()];
        int yo = yc.offset(), go = gc.offset();
        Parallel.range(rows, Math.max(1, StridedLoop.GRAIN / Math.max(n, 1)), (s, e) -> {
            for (int r = s; r < e; r++) {
                int yr = yo + r * n, gr = go + r * n, orow = r * n;
                if (log) logSoftmaxRow(yd, yr, gd, gr, out, orow, n);
                else softmaxRow(yd, yr, gd, gr, out, orow, n);
            }
        });
        return Tensor.of(out, y.shape());
    }

    private static void softmaxRow(float[] y, int yr, float[] g, int gr, float[] out, int o, int n) {
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

    private static void logSoftmaxRow(float[] y, int yr, float[] g, int gr, float[] out, int o, int n) {
        float sum = Reductions.reduceRow(mdlora.tensor.ReduceOp.SUM, g, gr, n);
        int i = 0;
        for (int up = F.loopBound(n); i < up; i += L) {
            FloatVector p = VectorMath.exp(FloatVector.fromArray(F, y, yr + i));
            FloatVector.fromArray(F, g, gr + i).sub(p.mul(sum)).intoArray(out, o + i);
        }
        for (; i < n; i++) out[o + i] = g[gr + i] - (float) Math.exp(y[yr + i]) * sum;
    }

    static Tensor[] layerNormBackward(Tensor x, Tensor mean, Tensor rstd, Tensor weight, Tensor g, boolean affineGrads) {
        requireSameShape("layerNormBackward", x, g);
        int n = x.size(-1), rows = n == 0 ? 0 : x.numel() / n;
        Tensor xc = x.contiguous(), gc = g.contiguous();
        float[] xd = xc.storage(), gd = gc.storage(), dx = new float[x.numel()];
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

    private static void requireSameShape(String op, Tensor a, Tensor b) {
        if (!a.sameShape(b))
            throw new IllegalArgumentException(op + ": shapes " + Shape.str(a.shape()) + " and " + Shape.str(b.shape()) + " differ");
    }
}
