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

    /** y[from..to) += alpha * x[from..to). */
    static void axpy(double alpha, double[] x, double[] y, int from, int to) {
        var a = DoubleVector.broadcast(D, alpha);
        int i = from;
        for (int up = from + ((to - from) & -L); i < up; i += L)
            DoubleVector.fromArray(D, x, i).fma(a, DoubleVector.fromArray(D, y, i)).intoArray(y, i);
        for (; i < to; i++) y[i] += alpha * x[i];
    }

    /**
     * y[from..to) += alpha x[from..to), returning x[from..to) . z[from..to): a column's share of a
     * symmetric matrix-vector product from one triangle, in one pass over the column.
     */
    static double dotAxpy(double[] x, double[] z, double alpha, double[] y, int from, int to) {
        var a = DoubleVector.broadcast(D, alpha);
        var acc0 = DoubleVector.zero(D);
        var acc1 = DoubleVector.zero(D);
        int i = from;
        for (int up = from + ((to - from) & -(2 * L)); i < up; i += 2 * L) {
            var x0 = DoubleVector.fromArray(D, x, i);
            var x1 = DoubleVector.fromArray(D, x, i + L);
            x0.fma(a, DoubleVector.fromArray(D, y, i)).intoArray(y, i);
            x1.fma(a, DoubleVector.fromArray(D, y, i + L)).intoArray(y, i + L);
            acc0 = x0.fma(DoubleVector.fromArray(D, z, i), acc0);
            acc1 = x1.fma(DoubleVector.fromArray(D, z, i + L), acc1);
        }
        double d = sumLanes(acc0.add(acc1));
        for (; i < to; i++) {
            y[i] = Math.fma(alpha, x[i], y[i]);
            d += x[i] * z[i];
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
