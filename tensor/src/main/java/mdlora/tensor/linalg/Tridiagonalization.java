package mdlora.tensor.linalg;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import mdlora.tensor.Parallel;

/**
 * Householder reduction of a symmetric matrix to tridiagonal form, A = Q T Q^T with
 * Q = H_0 H_1 ... H_{n-3}, H_k acting on rows k+1.. (LAPACK's dsytd2, lower form).
 *
 * <p>Each step needs A's trailing block times the new reflector vector, and the symmetric rank-2
 * update that the previous step left. Both run in one parallel pass over the columns (the update
 * of a column, then its product with the new vector, while it is in cache), so the matrix streams
 * through memory once per step rather than twice.
 */
final class Tridiagonalization {
    /** Reflectors per block reflector when Q^T is applied. */
    private static final int PANEL = 16;

    private final double[] diagonal, offDiagonal;
    private final List<HouseholderQr.BlockReflector> panels;

    private Tridiagonalization(double[] diagonal, double[] offDiagonal, List<HouseholderQr.BlockReflector> panels) {
        this.diagonal = diagonal;
        this.offDiagonal = offDiagonal;
        this.panels = panels;
    }

    /** T's diagonal d[0..n). */
    double[] diagonal() {
        return diagonal;
    }

    /** T's sub-diagonal e[0..n-1): e[k] = T[k+1][k]. */
    double[] offDiagonal() {
        return offDiagonal;
    }

    /** Reduces the symmetric n x n matrix held as its columns (n >= 2; overwritten with the reflectors). */
    static Tridiagonalization reduce(double[][] a) {
        int n = a.length;
        double[] d = new double[n], e = new double[n - 1], tau = new double[n];
        double[] v = new double[n], p = new double[n];
        double[] vPrev = new double[n], wPrev = new double[n];
        for (int k = 0; k < n - 1; k++) {
            // The last step's update of column k (rows k..), then the reflector that zeroes it below row k+1.
            double[] col = a[k];
            if (k > 0) updateColumn(col, vPrev, wPrev, k, k);
            d[k] = col[k];
            if (k == n - 2) {
                e[k] = col[k + 1];
                updateColumn(a[k + 1], vPrev, wPrev, k + 1, k);
                d[k + 1] = a[k + 1][k + 1];
                break;
            }
            tau[k] = HouseholderQr.makeReflector(col, k + 1);
            e[k] = col[k + 1];
            v[k + 1] = 1;
            System.arraycopy(col, k + 2, v, k + 2, n - k - 2);
            // p = tau A22 v, with A22's pending update applied on the way.
            final int step = k;
            final boolean pending = k > 0;
            Parallel.range(n - k - 1, 8, (s, t) -> {
                for (int j = step + 1 + s; j < step + 1 + t; j++)
                    p[j] = pending ? Level1.rank2Dot(a[j], vPrev, wPrev, wPrev[j], vPrev[j], v, step + 1, n)
                            : Level1.dot(a[j], v, step + 1, n);
            });
            // w = p - (tau/2)(p . v) v, so that A22 - v w^T - w v^T = H A22 H.
            double pv = 0;
            for (int j = k + 1; j < n; j++) pv += (p[j] *= tau[k]) * v[j];
            double half = 0.5 * tau[k] * pv;
            for (int j = k + 1; j < n; j++) {
                wPrev[j] = p[j] - half * v[j];
                vPrev[j] = v[j];
            }
        }
        return new Tridiagonalization(d, e, blockReflectors(a, tau));
    }

    /** col[from..) -= w[j] v + v[j] w: the pending rank-2 update of column j. */
    private static void updateColumn(double[] col, double[] v, double[] w, int j, int from) {
        Level1.axpy(-w[j], v, col, from, col.length);
        Level1.axpy(-v[j], w, col, from, col.length);
    }

    /**
     * Reflector k sits in column k with its unit at row k+1: seen one column to the right it has
     * HouseholderQr's layout, whose block reflectors then apply it.
     */
    private static List<HouseholderQr.BlockReflector> blockReflectors(double[][] a, double[] tau) {
        int n = a.length, count = n - 2;
        double[][] shifted = new double[n][];
        shifted[0] = a[n - 1]; // only its length is read
        for (int k = 0; k < count; k++) shifted[k + 1] = a[k];
        var panels = new ArrayList<HouseholderQr.BlockReflector>();
        for (int start = 0; start < count; start += PANEL) {
            int end = Math.min(count, start + PANEL);
            double[] t = Arrays.copyOfRange(tau, start, end);
            panels.add(HouseholderQr.BlockReflector.of(shifted, start + 1, end + 1, t));
        }
        return panels;
    }

    /** x := Q^T x, for each of the given vectors (of length n). */
    void applyQTransposed(double[][] xs) {
        for (var panel : panels) HouseholderQr.applyToAll(panel, xs, 0, xs.length, true);
    }
}
