package mdlora.tensor.linalg;

import java.util.Arrays;

/**
 * Householder QR of a tall matrix held as columns: A = Q R with Q = H_0 H_1 ... H_{n-1}, each
 * H_k = I - tau_k v_k v_k^T (v_k[k] = 1, zeros above). Only R is kept (the SVD recovers U from A
 * itself); the reflector tools serve {@link Tridiagonalization} too.
 *
 * <p>Reflectors are made a panel of {@link #PANEL} columns at a time and then applied to everything
 * else as one block reflector I - Y T Y^T (LAPACK's compact WY form), by two matrix products
 * ({@link DoubleGemm}) instead of two passes over the columns per reflector.
 */
final class HouseholderQr {
    /** Reflectors per panel: the depth of the products that apply it, deep enough for the register tile. */
    private static final int PANEL = 64;

    private HouseholderQr() {}

    /**
     * Factors the columns of A (each of length m >= their count) in place and returns the rows of
     * the n x n upper-triangular factor R, zeros left of the diagonal: the columns of R^T.
     */
    static double[][] rowsOfR(double[][] columns) {
        int n = columns.length;
        for (int start = 0; start < n; start += PANEL) {
            int p0 = start, p1 = Math.min(n, start + PANEL);
            double[] tau = new double[p1 - p0];
            for (int k = p0; k < p1; k++) {
                tau[k - p0] = makeReflector(columns[k], k);
                for (int j = k + 1; j < p1; j++) reflect(columns[k], k, tau[k - p0], columns[j]);
            }
            applyToAll(BlockReflector.of(columns, p0, p1, tau), columns, p1, n, true);
        }
        double[][] rows = new double[n][n];
        for (int j = 0; j < n; j++)
            for (int i = 0; i <= j; i++) rows[i][j] = columns[j][i];
        return rows;
    }

    /**
     * Applies the block reflector (or its transpose) to columns [from, to): C -= Y (T (Y^T C)), with
     * C^T Y and the update as products on {@link DoubleGemm} (both long in C's dimensions, so both
     * run in parallel).
     */
    static void applyToAll(BlockReflector block, double[][] columns, int from, int to, boolean transposed) {
        int count = to - from, width = block.width(), row = block.row(), m = columns[0].length;
        if (count <= 0) return;
        // X = C^T Y, held as its width columns; then X := -X T^T (-X T for the transpose), so that
        // C += Y X^T.
        double[][] x = new double[width][count];
        DoubleGemm.multiply(count, width, m - row, 1, DoubleGemm.Operand.rows(columns).at(from, row),
                DoubleGemm.Operand.columns(block.y()).at(row, 0), false, x, 0, 0);
        block.negateTimesT(x, !transposed);
        DoubleGemm.multiply(m - row, count, width, 1, DoubleGemm.Operand.columns(block.y()).at(row, 0),
                DoubleGemm.Operand.rows(x), true, columns, row, from);
    }

    /**
     * Turns column k into H_k's vector (LAPACK's dlarfg) and returns tau_k: H_k maps x[k..m) to
     * (beta, 0, ..., 0) with |beta| its norm and the sign opposite to x[k], which avoids
     * cancellation; beta is left in x[k] (R's diagonal), v_k's tail below it.
     */
    static double makeReflector(double[] x, int k) {
        int m = x.length;
        double tail = Level1.dot(x, x, k + 1, m);
        if (tail == 0) return 0; // already zero below the diagonal: H_k = I
        double alpha = x[k];
        double beta = -Math.copySign(Math.sqrt(alpha * alpha + tail), alpha);
        Level1.scale(1 / (alpha - beta), x, k + 1, m);
        x[k] = beta;
        return (beta - alpha) / beta;
    }

    /** y := H_k y for the reflector whose tail is stored below row k of column v. */
    private static void reflect(double[] v, int k, double tau, double[] y) {
        if (tau == 0) return;
        double w = tau * (y[k] + Level1.dot(v, y, k + 1, y.length));
        y[k] -= w;
        Level1.axpy(-w, v, y, k + 1, y.length);
    }

    /**
     * H_row ... H_{row+width-1} = I - Y T Y^T: Y's columns are the reflector vectors written out in
     * full (explicit unit and zeros, so that the kernels need no special rows), T is upper triangular.
     */
    record BlockReflector(int row, double[][] y, double[][] t) {
        static BlockReflector of(double[][] columns, int p0, int p1, double[] tau) {
            int width = p1 - p0, m = columns[0].length;
            double[][] y = new double[width][m];
            double[][] t = new double[width][width];
            for (int k = 0; k < width; k++) {
                int row = p0 + k;
                y[k][row] = 1;
                System.arraycopy(columns[row], row + 1, y[k], row + 1, m - row - 1);
                // LAPACK's dlarft: T[0..k, k] = -tau_k T[0..k, 0..k] (Y[:, 0..k]^T v_k), T[k, k] = tau_k.
                double[] z = new double[k];
                for (int i = 0; i < k; i++) z[i] = Level1.dot(y[i], y[k], row, m);
                for (int i = 0; i < k; i++) {
                    double sum = 0;
                    for (int l = i; l < k; l++) sum += t[i][l] * z[l];
                    t[i][k] = -tau[k] * sum;
                }
                t[k][k] = tau[k];
            }
            return new BlockReflector(p0, y, t);
        }

        int width() {
            return y.length;
        }

        /**
         * X := -X T, or -X T^T when {@code transposeT}, for X held as its width columns (of any one
         * length), in place: the middle factor of the block reflector applied as products.
         */
        void negateTimesT(double[][] x, boolean transposeT) {
            int width = width(), m = x[0].length;
            double[] scratch = new double[m];
            // Column p of X T takes columns l <= p (T is upper triangular), so descending p reads
            // only columns not yet overwritten; X T^T takes l >= p, so ascending.
            for (int q = 0; q < width; q++) {
                int p = transposeT ? q : width - 1 - q;
                Arrays.fill(scratch, 0);
                if (transposeT) for (int l = p; l < width; l++) Level1.axpy(-t[p][l], x[l], scratch, 0, m);
                else for (int l = 0; l <= p; l++) Level1.axpy(-t[l][p], x[l], scratch, 0, m);
                System.arraycopy(scratch, 0, x[p], 0, m);
            }
        }
    }
}
