package mdlora.tensor.linalg;

import java.util.Arrays;

/**
 * Householder reduction of a symmetric matrix to tridiagonal form, A = Q T Q^T with
 * Q = H_0 H_1 ... H_{n-3}, H_k acting on rows k+1.. (LAPACK's dsytrd, lower form), one panel of
 * {@link #PANEL} reflectors at a time: panel p yields P_p = H_32p ... H_32p+31 as a block
 * reflector, so that Q = P_0 P_1 ... can be applied to another matrix while later panels are
 * still being reduced. Only A's lower triangle is read.
 *
 * <p>Blocked as dsytrd/dlatrd do: within a panel the trailing matrix is left as it was and each
 * step's product A22 v corrects for the panel's earlier reflectors with its vectors V and W; the
 * panel's rank-2b update A22 -= V W^T + W V^T then runs once, as one matrix product
 * ({@link DoubleGemm}). So each step streams only half of A22 (its lower triangle) through memory
 * and never writes it, and half the flops run in the matrix product.
 */
final class Tridiagonalization {
    /** Steps per panel of the reduction: the reflectors of one block reflector. */
    private static final int PANEL = 32;

    private final double[][] a;
    private final double[] diagonal, offDiagonal, tau;
    /** Column k's reflector seen one column to the right, in HouseholderQr's layout (unit at row k+1). */
    private final double[][] shifted;
    private int reduced;

    /**
     * Starts the reduction of the symmetric n x n matrix held as its columns (n >= 2; its lower
     * triangle is read and overwritten with the reflectors).
     */
    Tridiagonalization(double[][] a) {
        int n = a.length;
        this.a = a;
        this.diagonal = new double[n];
        this.offDiagonal = new double[n - 1];
        this.tau = new double[n];
        this.shifted = new double[n][];
        shifted[0] = a[n - 1]; // only its length is read
        System.arraycopy(a, 0, shifted, 1, n - 1);
        if (panels() == 0) finish();
    }

    /** The number of panels, {@link #reducePanel} calls that complete the reduction. */
    int panels() {
        return (a.length - 2 + PANEL - 1) / PANEL;
    }

    /** T's diagonal d[0..n), once all panels are reduced. */
    double[] diagonal() {
        return diagonal;
    }

    /** T's sub-diagonal e[0..n-1): e[k] = T[k+1][k], once all panels are reduced. */
    double[] offDiagonal() {
        return offDiagonal;
    }

    /** Reduces the next panel (panels go in order) and returns its block reflector. */
    HouseholderQr.BlockReflector reducePanel() {
        int n = a.length, k0 = reduced * PANEL, width = Math.min(PANEL, n - 2 - k0);
        double[][] v = new double[width][n], w = new double[width][n];
        for (int i = 0; i < width; i++) {
            int k = k0 + i;
            double[] col = a[k];
            // Column k as the panel's earlier reflectors leave it: rows k.. less V W^T + W V^T.
            for (int l = 0; l < i; l++) {
                Level1.axpy(-w[l][k], v[l], col, k, n);
                Level1.axpy(-v[l][k], w[l], col, k, n);
            }
            diagonal[k] = col[k];
            tau[k] = HouseholderQr.makeReflector(col, k + 1);
            offDiagonal[k] = col[k + 1];
            double[] vi = v[i], wi = w[i];
            vi[k + 1] = 1;
            System.arraycopy(col, k + 2, vi, k + 2, n - k - 2);
            lowerProduct(vi, k + 1, wi);
            // p = tau (A22 - V W^T - W V^T) v, then w = p - (tau/2)(p . v) v, so that
            // A22 - v w^T - w v^T = H A22 H.
            for (int l = 0; l < i; l++) {
                Level1.axpy(-Level1.dot(w[l], vi, k + 1, n), v[l], wi, k + 1, n);
                Level1.axpy(-Level1.dot(v[l], vi, k + 1, n), w[l], wi, k + 1, n);
            }
            Level1.scale(tau[k], wi, k + 1, n);
            Level1.axpy(-0.5 * tau[k] * Level1.dot(wi, vi, k + 1, n), vi, wi, k + 1, n);
        }
        updateTrailing(k0 + width, v, w);
        if (++reduced == panels()) finish();
        return HouseholderQr.BlockReflector.of(shifted, k0 + 1, k0 + width + 1, Arrays.copyOfRange(tau, k0, k0 + width));
    }

    /** The last 2 x 2 block, which no reflector touches. */
    private void finish() {
        int n = a.length;
        diagonal[n - 2] = a[n - 2][n - 2];
        offDiagonal[n - 2] = a[n - 2][n - 1];
        diagonal[n - 1] = a[n - 1][n - 1];
    }

    /**
     * p[from..n) := A[from.., from..] x from the lower triangle: column j gives p_j its dot product
     * with x and adds x_j times itself to the rows below, in one pass over the column.
     */
    private void lowerProduct(double[] x, int from, double[] p) {
        int n = a.length;
        Arrays.fill(p, from, n, 0);
        for (int j = from; j < n; j++) p[j] += a[j][j] * x[j] + Level1.dotAxpy(a[j], x, x[j], p, j + 1, n);
    }

    /** The lower triangle of A[from.., from..] -= V W^T + W V^T, as one product [V W] [W V]^T. */
    private void updateTrailing(int from, double[][] v, double[][] w) {
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
     * C := C P for a block reflector P = I - Y T Y^T of the reduction and a matrix C held as its n
     * columns (of any one length): C + (-(C Y) T) Y^T, both products on {@link DoubleGemm}. Y's
     * rows above the panel's first are zero, so only C's columns from there on take part.
     */
    static void applyFromRight(HouseholderQr.BlockReflector panel, double[][] c) {
        int m = c[0].length, n = c.length, row = panel.row(), width = panel.width();
        double[][] w = new double[width][m];
        DoubleGemm.multiply(m, width, n - row, 1, DoubleGemm.Operand.columns(c).at(0, row),
                DoubleGemm.Operand.columns(panel.y()).at(row, 0), false, w, 0, 0);
        panel.negateTimesT(w, false);
        DoubleGemm.multiply(m, n - row, width, 1, DoubleGemm.Operand.columns(w),
                DoubleGemm.Operand.rows(panel.y()).at(0, row), true, c, 0, row);
    }
}
