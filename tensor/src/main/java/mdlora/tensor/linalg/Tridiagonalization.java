package mdlora.tensor.linalg;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import mdlora.tensor.Parallel;

/**
 * Householder reduction of a symmetric matrix to tridiagonal form, A = Q T Q^T with
 * Q = H_0 H_1 ... H_{n-3}, H_k acting on rows k+1.. (LAPACK's dsytrd, lower form). Only A's lower
 * triangle is read.
 *
 * <p>Blocked as dsytrd/dlatrd do: within a panel of {@link #PANEL} steps the trailing matrix is
 * left as it was and each step's product A22 v corrects for the panel's earlier reflectors with
 * its vectors V and W; the panel's rank-2b update A22 -= V W^T + W V^T then runs once, as one
 * matrix product ({@link DoubleGemm}). So each step streams only half of A22 (its lower triangle)
 * through memory and never writes it, and half the flops run in the matrix product.
 */
final class Tridiagonalization {
    /** Steps per panel of the reduction, and reflectors per block reflector when Q is applied. */
    private static final int PANEL = 32;
    /** Columns of A22 below which its product with v runs on one thread. */
    private static final int PARALLEL_FROM = 128;
    /** Column chunks of the parallel product: a fixed count, so the sum order does not depend on the threads. */
    private static final int CHUNKS = 8;

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

    /**
     * Reduces the symmetric n x n matrix held as its columns (n >= 2; its lower triangle is read and
     * overwritten with the reflectors).
     */
    static Tridiagonalization reduce(double[][] a) {
        int n = a.length, steps = n - 2;
        double[] d = new double[n], e = new double[n - 1], tau = new double[Math.max(steps, 0)];
        double[][] partial = new double[CHUNKS][n];
        for (int k0 = 0; k0 < steps; k0 += PANEL) {
            int width = Math.min(PANEL, steps - k0);
            double[][] v = new double[width][n], w = new double[width][n];
            for (int i = 0; i < width; i++) {
                int k = k0 + i;
                double[] col = a[k];
                // Column k as the panel's earlier reflectors leave it: rows k.. less V W^T + W V^T.
                for (int l = 0; l < i; l++) {
                    Level1.axpy(-w[l][k], v[l], col, k, n);
                    Level1.axpy(-v[l][k], w[l], col, k, n);
                }
                d[k] = col[k];
                tau[k] = HouseholderQr.makeReflector(col, k + 1);
                e[k] = col[k + 1];
                double[] vi = v[i], wi = w[i];
                vi[k + 1] = 1;
                System.arraycopy(col, k + 2, vi, k + 2, n - k - 2);
                lowerProduct(a, vi, k + 1, wi, partial);
                // p = tau (A22 - V W^T - W V^T) v, then w = p - (tau/2)(p . v) v, so that
                // A22 - v w^T - w v^T = H A22 H.
                for (int l = 0; l < i; l++) {
                    Level1.axpy(-Level1.dot(w[l], vi, k + 1, n), v[l], wi, k + 1, n);
                    Level1.axpy(-Level1.dot(v[l], vi, k + 1, n), w[l], wi, k + 1, n);
                }
                Level1.scale(tau[k], wi, k + 1, n);
                Level1.axpy(-0.5 * tau[k] * Level1.dot(wi, vi, k + 1, n), vi, wi, k + 1, n);
            }
            updateTrailing(a, k0 + width, v, w);
        }
        d[n - 2] = a[n - 2][n - 2];
        e[n - 2] = a[n - 2][n - 1];
        d[n - 1] = a[n - 1][n - 1];
        return new Tridiagonalization(d, e, blockReflectors(a, tau));
    }

    /**
     * p[from..n) := A[from.., from..] x from the lower triangle: column j gives p_j its dot product
     * with x and adds x_j times itself to the rows below. Columns run in {@link #CHUNKS} chunks of
     * equal work, each into its own partial sum.
     */
    private static void lowerProduct(double[][] a, double[] x, int from, double[] p, double[][] partial) {
        int n = a.length, size = n - from;
        int chunks = size < PARALLEL_FROM ? 1 : CHUNKS;
        int[] bounds = new int[chunks + 1];
        // Chunk c ends where the triangle's area up to it reaches (c+1)/chunks of the whole.
        for (int c = 0; c <= chunks; c++)
            bounds[c] = from + size - (int) Math.round(size * Math.sqrt(1 - (double) c / chunks));
        Parallel.range(chunks, 1, (s, t) -> {
            for (int c = s; c < t; c++) {
                double[] part = partial[c];
                Arrays.fill(part, from, n, 0);
                for (int j = bounds[c]; j < bounds[c + 1]; j++)
                    part[j] += a[j][j] * x[j] + Level1.dotAxpy(a[j], x, x[j], part, j + 1, n);
            }
        });
        System.arraycopy(partial[0], from, p, from, size);
        for (int c = 1; c < chunks; c++) Level1.axpy(1, partial[c], p, from, n);
    }

    /** The lower triangle of A[from.., from..] -= V W^T + W V^T, as one product [V W] [W V]^T. */
    private static void updateTrailing(double[][] a, int from, double[][] v, double[][] w) {
        int n = a.length, width = v.length;
        double[][] left = new double[2 * width][], right = new double[2 * width][];
        for (int l = 0; l < width; l++) {
            left[l] = v[l];
            left[width + l] = w[l];
            right[l] = w[l];
            right[width + l] = v[l];
        }
        DoubleGemm.multiplyLower(n - from, 2 * width, -1, DoubleGemm.Operand.columns(left).at(from, 0),
                DoubleGemm.Operand.rows(right).at(0, from), true, a, from);
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

    /**
     * C := C Q on rows [from, to) of a matrix C held as its n columns (of any one length): C P =
     * C + (-(C Y) T) Y^T for each block reflector P = I - Y T Y^T in turn, both products on
     * {@link DoubleGemm}. Y's rows above the panel's first are zero, so only C's columns from there
     * on take part. Rows are independent, so blocks of them can run as separate tasks.
     */
    void applyQFromRight(double[][] c, int from, int to) {
        int m = to - from, n = c.length;
        for (var panel : panels) {
            int row = panel.row(), width = panel.width();
            double[][] w = new double[width][m];
            DoubleGemm.multiply(m, width, n - row, 1, DoubleGemm.Operand.columns(c).at(from, row),
                    DoubleGemm.Operand.columns(panel.y()).at(row, 0), false, w, 0, 0);
            panel.negateTimesT(w, false);
            DoubleGemm.multiply(m, n - row, width, 1, DoubleGemm.Operand.columns(w),
                    DoubleGemm.Operand.rows(panel.y()).at(0, row), true, c, from, row);
        }
    }
}
