package mdlora.tensor.linalg;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** BLAS level-1 kernels on double arrays (Vector API with scalar tails): the inner loops of the SVD. */
final class Level1 {
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final int L = D.length();

    private Level1() {}

    /** x[from..to) . y[from..to), accumulated in four vector registers to hide the FMA latency. */
    static double dot(double[] x, double[] y, int from, int to) {
        var acc0 = DoubleVector.zero(D);
        var acc1 = DoubleVector.zero(D);
        var acc2 = DoubleVector.zero(D);
        var acc3 = DoubleVector.zero(D);
        int i = from;
        for (int up = from + ((to - from) & -(4 * L)); i < up; i += 4 * L) {
            acc0 = DoubleVector.fromArray(D, x, i).fma(DoubleVector.fromArray(D, y, i), acc0);
            acc1 = DoubleVector.fromArray(D, x, i + L).fma(DoubleVector.fromArray(D, y, i + L), acc1);
            acc2 = DoubleVector.fromArray(D, x, i + 2 * L).fma(DoubleVector.fromArray(D, y, i + 2 * L), acc2);
            acc3 = DoubleVector.fromArray(D, x, i + 3 * L).fma(DoubleVector.fromArray(D, y, i + 3 * L), acc3);
        }
        for (int up = from + ((to - from) & -L); i < up; i += L)
            acc0 = DoubleVector.fromArray(D, x, i).fma(DoubleVector.fromArray(D, y, i), acc0);
        double s = acc0.add(acc1).add(acc2.add(acc3)).reduceLanes(VectorOperators.ADD);
        for (; i < to; i++) s += x[i] * y[i];
        return s;
    }

    /**
     * The four dot products x[from..to) . y_r[from..to), r = 0..3, into out[at..at+4): one pass over
     * x serves all four, which matters when x streams from a far cache.
     */
    static void dot4(double[] x, double[] y0, double[] y1, double[] y2, double[] y3, int from, int to, double[] out, int at) {
        var acc0 = DoubleVector.zero(D);
        var acc1 = DoubleVector.zero(D);
        var acc2 = DoubleVector.zero(D);
        var acc3 = DoubleVector.zero(D);
        int i = from;
        for (int up = from + ((to - from) & -L); i < up; i += L) {
            var xv = DoubleVector.fromArray(D, x, i);
            acc0 = xv.fma(DoubleVector.fromArray(D, y0, i), acc0);
            acc1 = xv.fma(DoubleVector.fromArray(D, y1, i), acc1);
            acc2 = xv.fma(DoubleVector.fromArray(D, y2, i), acc2);
            acc3 = xv.fma(DoubleVector.fromArray(D, y3, i), acc3);
        }
        double s0 = acc0.reduceLanes(VectorOperators.ADD), s1 = acc1.reduceLanes(VectorOperators.ADD);
        double s2 = acc2.reduceLanes(VectorOperators.ADD), s3 = acc3.reduceLanes(VectorOperators.ADD);
        for (; i < to; i++) {
            s0 += x[i] * y0[i];
            s1 += x[i] * y1[i];
            s2 += x[i] * y2[i];
            s3 += x[i] * y3[i];
        }
        out[at] = s0;
        out[at + 1] = s1;
        out[at + 2] = s2;
        out[at + 3] = s3;
    }

    /** y[from..to) += alpha * x[from..to). */
    static void axpy(double alpha, double[] x, double[] y, int from, int to) {
        var a = DoubleVector.broadcast(D, alpha);
        int i = from;
        for (int up = from + ((to - from) & -L); i < up; i += L)
            DoubleVector.fromArray(D, x, i).fma(a, DoubleVector.fromArray(D, y, i)).intoArray(y, i);
        for (; i < to; i++) y[i] += alpha * x[i];
    }

    /** x[from..to) *= alpha. */
    static void scale(double alpha, double[] x, int from, int to) {
        int i = from;
        for (int up = from + ((to - from) & -L); i < up; i += L)
            DoubleVector.fromArray(D, x, i).mul(alpha).intoArray(x, i);
        for (; i < to; i++) x[i] *= alpha;
    }

    /** The plane rotation (x, y) := (c x - s y, s x + c y) over whole arrays. */
    static void rotate(double[] x, double[] y, double c, double s) {
        int n = x.length, i = 0;
        var vc = DoubleVector.broadcast(D, c);
        var vs = DoubleVector.broadcast(D, s);
        for (int up = n & -L; i < up; i += L) {
            var a = DoubleVector.fromArray(D, x, i);
            var b = DoubleVector.fromArray(D, y, i);
            a.mul(vc).sub(b.mul(vs)).intoArray(x, i);
            a.fma(vs, b.mul(vc)).intoArray(y, i);
        }
        for (; i < n; i++) {
            double a = x[i], b = y[i];
            x[i] = c * a - s * b;
            y[i] = s * a + c * b;
        }
    }
}
