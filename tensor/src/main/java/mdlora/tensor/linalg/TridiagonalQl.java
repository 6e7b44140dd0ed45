package mdlora.tensor.linalg;

import java.util.Arrays;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;
import mdlora.tensor.Parallel;

/**
 * Eigenvalues of a symmetric tridiagonal matrix T = Z diag(lambda) Z^T by the implicit QL method with
 * Wilkinson shifts (EISPACK's tql2), and the eigenvector rotations Z applied to a matrix from the
 * right.
 *
 * <p>The plane rotations are recorded while the eigenvalues converge (O(n^2) work) and applied
 * afterwards: each QL step is a chain of rotations of adjacent columns, which {@link #rotate} runs
 * on a band of rows at a time with the shared column kept in registers, so a rotation costs one
 * load and one store per element, the band stays in L2, and bands run in parallel.
 */
final class TridiagonalQl {
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final int L = D.length();
    /** QL steps allowed per eigenvalue: two or three suffice in practice (convergence is cubic). */
    private static final int MAX_STEPS = 30;
    /** Rows per band: a band of 768 columns (196 KB) stays in a core's L2 cache. */
    private static final int BAND = 32;

    private final double[] eigenvalues;
    /** Step k rotates columns (i, i+1) for i = top[k] down to bottom[k], with cosines and sines from first[k] on. */
    private final int[] top, bottom, first;
    private final double[] cos, sin;

    private TridiagonalQl(double[] eigenvalues, int[] top, int[] bottom, int[] first, double[] cos, double[] sin) {
        this.eigenvalues = eigenvalues;
        this.top = top;
        this.bottom = bottom;
        this.first = first;
        this.cos = cos;
        this.sin = sin;
    }

    /** The eigenvalues, unsorted. */
    double[] eigenvalues() {
        return eigenvalues;
    }

    /**
     * Diagonalises T with diagonal {@code diagonal} and sub-diagonal {@code offDiagonal} (length n-1);
     * null if some eigenvalue does not converge in {@link #MAX_STEPS} steps.
     */
    static TridiagonalQl solve(double[] diagonal, double[] offDiagonal) {
        int n = diagonal.length;
        double[] d = diagonal.clone(), e = Arrays.copyOf(offDiagonal, n);
        var steps = new Recorder();
        for (int l = 0; l < n; l++) {
            int m, iterations = 0;
            do {
                // The first negligible e[m] splits T; d[l] has converged when it is e[l].
                for (m = l; m < n - 1; m++) {
                    double dd = Math.abs(d[m]) + Math.abs(d[m + 1]);
                    if (Math.abs(e[m]) + dd == dd) break;
                }
                if (m == l) break;
                if (iterations++ == MAX_STEPS) return null;
                // Implicit shifted QL step on rows l..m (Numerical Recipes' tqli).
                double g = (d[l + 1] - d[l]) / (2 * e[l]);
                double r = Math.sqrt(g * g + 1);
                g = d[m] - d[l] + e[l] / (g + Math.copySign(r, g));
                double s = 1, c = 1, p = 0;
                int i;
                steps.begin(m - 1);
                for (i = m - 1; i >= l; i--) {
                    double f = s * e[i], b = c * e[i];
                    e[i + 1] = r = Math.sqrt(f * f + g * g);
                    if (r == 0) { // underflow: T splits here
                        d[i + 1] -= p;
                        e[m] = 0;
                        break;
                    }
                    s = f / r;
                    c = g / r;
                    g = d[i + 1] - p;
                    r = (d[i] - g) * s + 2 * c * b;
                    d[i + 1] = g + (p = s * r);
                    g = c * r - b;
                    steps.add(c, s);
                }
                steps.end(i + 1);
                if (r == 0 && i >= l) continue;
                d[l] -= p;
                e[l] = g;
                e[m] = 0;
            } while (true);
        }
        return steps.result(d);
    }

    /** columns := columns Z, for n columns of one length (the rows). */
    void rotate(double[][] columns) {
        int rows = columns[0].length;
        Parallel.range((rows + BAND - 1) / BAND, 1, (s, t) -> {
            for (int r = s * BAND; r < Math.min(rows, t * BAND); r += BAND)
                for (int step = 0; step < top.length; step++) chain(columns, step, r, Math.min(rows, r + BAND));
        });
    }

    /**
     * Rotation step k on rows [from, to): for i from top down, (z_i, z_{i+1}) := (c z_i - s z_{i+1},
     * s z_i + c z_{i+1}), where z_{i+1} is the column the previous rotation of the chain left.
     */
    private void chain(double[][] z, int k, int from, int to) {
        int hi = top[k], lo = bottom[k], at = first[k];
        if (hi < lo) return;
        int r = from;
        // Four vectors of rows at once: each carry is a chain of dependent FMAs, four hide their latency.
        for (; r + 4 * L <= to; r += 4 * L) {
            double[] start = z[hi + 1];
            var carry0 = DoubleVector.fromArray(D, start, r);
            var carry1 = DoubleVector.fromArray(D, start, r + L);
            var carry2 = DoubleVector.fromArray(D, start, r + 2 * L);
            var carry3 = DoubleVector.fromArray(D, start, r + 3 * L);
            for (int i = hi, q = at; i >= lo; i--, q++) {
                var c = DoubleVector.broadcast(D, cos[q]);
                var s = DoubleVector.broadcast(D, sin[q]);
                double[] x = z[i], y = z[i + 1];
                var x0 = DoubleVector.fromArray(D, x, r);
                var x1 = DoubleVector.fromArray(D, x, r + L);
                var x2 = DoubleVector.fromArray(D, x, r + 2 * L);
                var x3 = DoubleVector.fromArray(D, x, r + 3 * L);
                x0.fma(s, carry0.mul(c)).intoArray(y, r);
                x1.fma(s, carry1.mul(c)).intoArray(y, r + L);
                x2.fma(s, carry2.mul(c)).intoArray(y, r + 2 * L);
                x3.fma(s, carry3.mul(c)).intoArray(y, r + 3 * L);
                carry0 = x0.fma(c, carry0.mul(s).neg());
                carry1 = x1.fma(c, carry1.mul(s).neg());
                carry2 = x2.fma(c, carry2.mul(s).neg());
                carry3 = x3.fma(c, carry3.mul(s).neg());
            }
            double[] end = z[lo];
            carry0.intoArray(end, r);
            carry1.intoArray(end, r + L);
            carry2.intoArray(end, r + 2 * L);
            carry3.intoArray(end, r + 3 * L);
        }
        for (; r < to; r++) {
            double carry = z[hi + 1][r];
            for (int i = hi, q = at; i >= lo; i--, q++) {
                double x = z[i][r];
                z[i + 1][r] = Math.fma(x, sin[q], carry * cos[q]);
                carry = Math.fma(x, cos[q], -(carry * sin[q]));
            }
            z[lo][r] = carry;
        }
    }

    /** Collects the rotation chains in growing arrays. */
    private static final class Recorder {
        private int[] top = new int[64], bottom = new int[64], first = new int[64];
        private double[] cos = new double[1024], sin = new double[1024];
        private int steps, rotations;

        void begin(int hi) {
            if (steps == top.length) {
                top = Arrays.copyOf(top, 2 * steps);
                bottom = Arrays.copyOf(bottom, 2 * steps);
                first = Arrays.copyOf(first, 2 * steps);
            }
            top[steps] = hi;
            first[steps] = rotations;
        }

        void add(double c, double s) {
            if (rotations == cos.length) {
                cos = Arrays.copyOf(cos, 2 * rotations);
                sin = Arrays.copyOf(sin, 2 * rotations);
            }
            cos[rotations] = c;
            sin[rotations++] = s;
        }

        /** Closes the chain begun last: it rotated columns down to (lo, lo+1). */
        void end(int lo) {
            bottom[steps++] = lo;
        }

        TridiagonalQl result(double[] eigenvalues) {
            return new TridiagonalQl(eigenvalues, Arrays.copyOf(top, steps), Arrays.copyOf(bottom, steps),
                    Arrays.copyOf(first, steps), cos, sin);
        }
    }
}
