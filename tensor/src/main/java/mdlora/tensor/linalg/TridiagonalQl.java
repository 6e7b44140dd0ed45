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
    /** Rows per band: four vectors of the widest species (a band of 768 columns is 96 KB, in L2). */
    private static final int BAND = 4 * L;

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
     * null if some eigenvalue does not converge in {@link #MAX_STEPS} steps. T splits where
     * |e_m| vanishes beside |d_m| + |d_m+1| in rounding, or where |e_m| <= split sqrt(|d_m d_m+1|):
     * 0 keeps the eigenpairs accurate to rounding; a positive split spares the last QL steps (about
     * a tenth of the rotations at 1e-10) and leaves the eigenvectors exact for a T changed by that
     * much relative to its neighbouring diagonal entries.
     */
    static TridiagonalQl solve(double[] diagonal, double[] offDiagonal, double split) {
        int n = diagonal.length;
        double[] d = diagonal.clone(), e = Arrays.copyOf(offDiagonal, n);
        var steps = new Recorder();
        for (int l = 0; l < n; l++) {
            int m, iterations = 0;
            do {
                // The first negligible e[m] splits T; d[l] has converged when it is e[l].
                for (m = l; m < n - 1; m++) {
                    double dd = Math.abs(d[m]) + Math.abs(d[m + 1]);
                    if (Math.abs(e[m]) + dd == dd || Math.abs(e[m]) <= split * Math.sqrt(Math.abs(d[m] * d[m + 1]))) break;
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

    /**
     * columns := columns Z, for n columns of one length (the rows). Each band of {@link #BAND} rows is
     * copied into one array, column after column, so that a chain of rotations walks it
     * contiguously (the columns themselves lie far apart) and it stays in L1/L2 for all the chains.
     */
    void rotate(double[][] columns) {
        int n = columns.length, rows = columns[0].length;
        Parallel.range((rows + BAND - 1) / BAND, 1, (s, t) -> {
            double[] band = new double[n * BAND];
            for (int b = s; b < t; b++) {
                int from = b * BAND, width = Math.min(BAND, rows - from);
                for (int i = 0; i < n; i++) System.arraycopy(columns[i], from, band, i * BAND, width);
                for (int step = 0; step < top.length; step++) chain(band, step);
                for (int i = 0; i < n; i++) System.arraycopy(band, i * BAND, columns[i], from, width);
            }
        });
    }

    /**
     * Rotation step k on a band: for i from top down, (z_i, z_{i+1}) := (c z_i - s z_{i+1},
     * s z_i + c z_{i+1}), where z_{i+1} is the column the previous rotation of the chain left (the
     * carry, kept in registers). Four vectors of rows at once: each carry is a chain of dependent
     * FMAs, and four hide their latency.
     */
    private void chain(double[] z, int k) {
        int hi = top[k], lo = bottom[k], at = first[k];
        if (hi < lo) return;
        int start = (hi + 1) * BAND;
        var carry0 = DoubleVector.fromArray(D, z, start);
        var carry1 = DoubleVector.fromArray(D, z, start + L);
        var carry2 = DoubleVector.fromArray(D, z, start + 2 * L);
        var carry3 = DoubleVector.fromArray(D, z, start + 3 * L);
        for (int i = hi, q = at; i >= lo; i--, q++) {
            var c = DoubleVector.broadcast(D, cos[q]);
            var s = DoubleVector.broadcast(D, sin[q]);
            var minusS = s.neg();
            int x = i * BAND, y = x + BAND;
            var x0 = DoubleVector.fromArray(D, z, x);
            var x1 = DoubleVector.fromArray(D, z, x + L);
            var x2 = DoubleVector.fromArray(D, z, x + 2 * L);
            var x3 = DoubleVector.fromArray(D, z, x + 3 * L);
            x0.fma(s, carry0.mul(c)).intoArray(z, y);
            x1.fma(s, carry1.mul(c)).intoArray(z, y + L);
            x2.fma(s, carry2.mul(c)).intoArray(z, y + 2 * L);
            x3.fma(s, carry3.mul(c)).intoArray(z, y + 3 * L);
            carry0 = carry0.fma(minusS, x0.mul(c));
            carry1 = carry1.fma(minusS, x1.mul(c));
            carry2 = carry2.fma(minusS, x2.mul(c));
            carry3 = carry3.fma(minusS, x3.mul(c));
        }
        int end = lo * BAND;
        carry0.intoArray(z, end);
        carry1.intoArray(z, end + L);
        carry2.intoArray(z, end + 2 * L);
        carry3.intoArray(z, end + 3 * L);
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
