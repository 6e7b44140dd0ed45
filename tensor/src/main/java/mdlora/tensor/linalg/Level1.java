package mdlora.tensor.linalg;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/** BLAS level-1 kernels on double arrays (Vector API with scalar tails): the inner loops of the SVD. */
final class Level1 {
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final int L = D.length();

    private Level1() {}

    /**
     * The lanes' sum in lane order: reduceLanes(ADD) may reassociate, differently in compiled and
     * interpreted code, and an SVD that depends on how warm the JIT is breaks bit-exact resume.
     */
    private static double sumLanes(DoubleVector v) {
        double s = 0;
        for (int i = 0; i < L; i++) s += v.lane(i);
        return s;
    }

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
        double s = sumLanes(acc0.add(acc1).add(acc2.add(acc3)));
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
        double s0 = sumLanes(acc0), s1 = sumLanes(acc1), s2 = sumLanes(acc2), s3 = sumLanes(acc3);
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

    /**
     * The eight dot products x_a . y_r over [from, to), a = 0..1, r = 0..3, into out[at..at+8) (x0's
     * four first): each load feeds more FMAs than in {@link #dot4}, whose loads are its bottleneck.
     */
    static void dot2x4(double[] x0, double[] x1, double[] y0, double[] y1, double[] y2, double[] y3, int from, int to, double[] out, int at) {
        var a0 = DoubleVector.zero(D);
        var a1 = DoubleVector.zero(D);
        var a2 = DoubleVector.zero(D);
        var a3 = DoubleVector.zero(D);
        var b0 = DoubleVector.zero(D);
        var b1 = DoubleVector.zero(D);
        var b2 = DoubleVector.zero(D);
        var b3 = DoubleVector.zero(D);
        int i = from;
        for (int up = from + ((to - from) & -L); i < up; i += L) {
            var u = DoubleVector.fromArray(D, x0, i);
            var v = DoubleVector.fromArray(D, x1, i);
            var y = DoubleVector.fromArray(D, y0, i);
            a0 = u.fma(y, a0);
            b0 = v.fma(y, b0);
            y = DoubleVector.fromArray(D, y1, i);
            a1 = u.fma(y, a1);
            b1 = v.fma(y, b1);
            y = DoubleVector.fromArray(D, y2, i);
            a2 = u.fma(y, a2);
            b2 = v.fma(y, b2);
            y = DoubleVector.fromArray(D, y3, i);
            a3 = u.fma(y, a3);
            b3 = v.fma(y, b3);
        }
        double[] s = {sumLanes(a0), sumLanes(a1), sumLanes(a2), sumLanes(a3), sumLanes(b0), sumLanes(b1), sumLanes(b2), sumLanes(b3)};
        for (; i < to; i++) {
            s[0] += x0[i] * y0[i];
            s[1] += x0[i] * y1[i];
            s[2] += x0[i] * y2[i];
            s[3] += x0[i] * y3[i];
            s[4] += x1[i] * y0[i];
            s[5] += x1[i] * y1[i];
            s[6] += x1[i] * y2[i];
            s[7] += x1[i] * y3[i];
        }
        System.arraycopy(s, 0, out, at, 8);
    }

    /** y[from..to) += alpha * x[from..to). */
    static void axpy(double alpha, double[] x, double[] y, int from, int to) {
        var a = DoubleVector.broadcast(D, alpha);
        int i = from;
        for (int up = from + ((to - from) & -L); i < up; i += L)
            DoubleVector.fromArray(D, x, i).fma(a, DoubleVector.fromArray(D, y, i)).intoArray(y, i);
        for (; i < to; i++) y[i] += alpha * x[i];
    }

    /** y[from..to) += a[at] x0 + a[at+1] x1 + a[at+2] x2 + a[at+3] x3 over [from, to): one pass over y for four updates. */
    static void axpy4(double[] a, int at, double[] x0, double[] x1, double[] x2, double[] x3, double[] y, int from, int to) {
        var a0 = DoubleVector.broadcast(D, a[at]);
        var a1 = DoubleVector.broadcast(D, a[at + 1]);
        var a2 = DoubleVector.broadcast(D, a[at + 2]);
        var a3 = DoubleVector.broadcast(D, a[at + 3]);
        int i = from;
        for (int up = from + ((to - from) & -L); i < up; i += L) {
            var acc = DoubleVector.fromArray(D, y, i);
            acc = DoubleVector.fromArray(D, x0, i).fma(a0, acc);
            acc = DoubleVector.fromArray(D, x1, i).fma(a1, acc);
            acc = DoubleVector.fromArray(D, x2, i).fma(a2, acc);
            acc = DoubleVector.fromArray(D, x3, i).fma(a3, acc);
            acc.intoArray(y, i);
        }
        for (; i < to; i++) y[i] += a[at] * x0[i] + a[at + 1] * x1[i] + a[at + 2] * x2[i] + a[at + 3] * x3[i];
    }

    /**
     * The symmetric rank-2 update a -= alpha v + beta w over [from, to), returning the updated a . z:
     * the tridiagonal reduction's update and its next product with a column in one pass over a.
     */
    static double rank2Dot(double[] a, double[] v, double[] w, double alpha, double beta, double[] z, int from, int to) {
        var va = DoubleVector.broadcast(D, -alpha);
        var vb = DoubleVector.broadcast(D, -beta);
        var acc0 = DoubleVector.zero(D);
        var acc1 = DoubleVector.zero(D);
        int i = from;
        for (int up = from + ((to - from) & -(2 * L)); i < up; i += 2 * L) {
            var x0 = DoubleVector.fromArray(D, v, i).fma(va, DoubleVector.fromArray(D, w, i).fma(vb, DoubleVector.fromArray(D, a, i)));
            var x1 = DoubleVector.fromArray(D, v, i + L).fma(va, DoubleVector.fromArray(D, w, i + L).fma(vb, DoubleVector.fromArray(D, a, i + L)));
            x0.intoArray(a, i);
            x1.intoArray(a, i + L);
            acc0 = x0.fma(DoubleVector.fromArray(D, z, i), acc0);
            acc1 = x1.fma(DoubleVector.fromArray(D, z, i + L), acc1);
        }
        double d = sumLanes(acc0.add(acc1));
        for (; i < to; i++) {
            a[i] = Math.fma(-alpha, v[i], Math.fma(-beta, w[i], a[i]));
            d += a[i] * z[i];
        }
        return d;
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

    /**
     * {@link #rotate} that also returns x' . z for the new x: Jacobi's next pair is (x, z), and
     * computing its inner product while x' is in registers spares a pass over x and brings z into L1.
     */
    static double rotateDot(double[] x, double[] y, double[] z, double c, double s) {
        int n = x.length, i = 0;
        var vc = DoubleVector.broadcast(D, c);
        var vs = DoubleVector.broadcast(D, s);
        var acc0 = DoubleVector.zero(D);
        var acc1 = DoubleVector.zero(D);
        for (int up = n & -(2 * L); i < up; i += 2 * L) {
            var a0 = DoubleVector.fromArray(D, x, i);
            var b0 = DoubleVector.fromArray(D, y, i);
            var a1 = DoubleVector.fromArray(D, x, i + L);
            var b1 = DoubleVector.fromArray(D, y, i + L);
            var x0 = a0.mul(vc).sub(b0.mul(vs));
            var x1 = a1.mul(vc).sub(b1.mul(vs));
            x0.intoArray(x, i);
            x1.intoArray(x, i + L);
            a0.fma(vs, b0.mul(vc)).intoArray(y, i);
            a1.fma(vs, b1.mul(vc)).intoArray(y, i + L);
            acc0 = x0.fma(DoubleVector.fromArray(D, z, i), acc0);
            acc1 = x1.fma(DoubleVector.fromArray(D, z, i + L), acc1);
        }
        double d = sumLanes(acc0.add(acc1));
        for (; i < n; i++) {
            double a = x[i], b = y[i];
            x[i] = c * a - s * b;
            y[i] = s * a + c * b;
            d += x[i] * z[i];
        }
        return d;
    }
}
