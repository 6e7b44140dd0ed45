package mdlora.tensor.linalg;

import java.util.ArrayList;
import java.util.List;
import mdlora.tensor.Parallel;

/**
 * Householder QR of a tall matrix held as columns: A = Q R with Q = H_0 H_1 ... H_{n-1}, each
 * H_k = I - tau_k v_k v_k^T (v_k[k] = 1, zeros above). R overwrites the upper triangle of A.
 *
 * <p>Reflectors are made a panel of {@link #PANEL} columns at a time and then applied to everything
 * else as one block reflector I - Y T Y^T (LAPACK's compact WY form): each column takes the whole
 * panel in two passes of four-wide dot products and updates instead of two passes per reflector,
 * and the columns are spread over the thread pool.
 */
final class HouseholderQr {
    /** Reflectors per panel: 16 columns of 3072 doubles (393 KB) fit a core's L2 cache. */
    private static final int PANEL = 16;

    private final double[][] a;
    private final List<BlockReflector> panels;

    private HouseholderQr(double[][] a, List<BlockReflector> panels) {
        this.a = a;
        this.panels = panels;
    }

    /** Factors the columns of A (each of length m >= their count) in place. */
    static HouseholderQr factor(double[][] columns) {
        int n = columns.length;
        var panels = new ArrayList<BlockReflector>();
        for (int start = 0; start < n; start += PANEL) {
            int p0 = start, p1 = Math.min(n, start + PANEL);
            double[] tau = new double[p1 - p0];
            for (int k = p0; k < p1; k++) {
                tau[k - p0] = makeReflector(columns[k], k);
                for (int j = k + 1; j < p1; j++) reflect(columns[k], k, tau[k - p0], columns[j]);
            }
            var block = BlockReflector.of(columns, p0, p1, tau);
            panels.add(block);
            applyToAll(block, columns, p1, n, true);
        }
        return new HouseholderQr(columns, panels);
    }

    /** The rows of the n x n upper-triangular factor R, zeros left of the diagonal: the columns of R^T. */
    double[][] rowsOfR() {
        int n = a.length;
        double[][] rows = new double[n][n];
        for (int j = 0; j < n; j++)
            for (int i = 0; i <= j; i++) rows[i][j] = a[j][i];
        return rows;
    }

    /** Q times the columns x (each of length n) padded with zeros to length m: the columns of Q x. */
    double[][] q(double[][] x) {
        int n = a.length, m = a[0].length;
        double[][] y = new double[x.length][m];
        for (int j = 0; j < x.length; j++) System.arraycopy(x[j], 0, y[j], 0, n);
        // Q y = Q_0 (Q_1 (... (Q_last y))): the last panel first.
        for (int p = panels.size() - 1; p >= 0; p--) {
            var block = panels.get(p);
            applyToAll(block, y, 0, y.length, false);
        }
        return y;
    }

    /** Applies the block reflector (or its transpose) to columns [from, to), two at a time, in parallel. */
    static void applyToAll(BlockReflector block, double[][] columns, int from, int to, boolean transposed) {
        int pairs = (to - from) / 2;
        Parallel.range(pairs, 2, (s, e) -> {
            double[] w = new double[2 * block.width()];
            for (int j = from + 2 * s; j < from + 2 * e; j += 2) block.apply(columns[j], columns[j + 1], transposed, w);
        });
        if ((to - from) % 2 == 1) block.apply(columns[to - 1], transposed, new double[block.width()]);
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

        /** c := (I - Y T Y^T) c, or with T^T (the transpose, Q^T) when {@code transposed}; w is scratch. */
        void apply(double[] c, boolean transposed, double[] w) {
            int width = width(), m = c.length, p = 0;
            for (; p + 4 <= width; p += 4) Level1.dot4(c, y[p], y[p + 1], y[p + 2], y[p + 3], row, m, w, p);
            for (; p < width; p++) w[p] = Level1.dot(y[p], c, row, m);
            multiplyT(w, 0, transposed);
            p = 0;
            for (; p + 4 <= width; p += 4) Level1.axpy4(w, p, y[p], y[p + 1], y[p + 2], y[p + 3], c, row, m);
            for (; p < width; p++) Level1.axpy(w[p], y[p], c, row, m);
        }

        /**
         * {@link #apply} to two vectors at once (w of twice the width): each load of Y then feeds
         * two FMAs, which matters because loads bound these kernels.
         */
        void apply(double[] c0, double[] c1, boolean transposed, double[] w) {
            int width = width(), m = c0.length, p = 0;
            double[] dots = new double[8];
            for (; p + 4 <= width; p += 4) {
                Level1.dot2x4(c0, c1, y[p], y[p + 1], y[p + 2], y[p + 3], row, m, dots, 0);
                System.arraycopy(dots, 0, w, p, 4);
                System.arraycopy(dots, 4, w, width + p, 4);
            }
            for (; p < width; p++) {
                w[p] = Level1.dot(y[p], c0, row, m);
                w[width + p] = Level1.dot(y[p], c1, row, m);
            }
            multiplyT(w, 0, transposed);
            multiplyT(w, width, transposed);
            p = 0;
            for (; p + 4 <= width; p += 4) {
                Level1.axpy4(w, p, y[p], y[p + 1], y[p + 2], y[p + 3], c0, row, m);
                Level1.axpy4(w, width + p, y[p], y[p + 1], y[p + 2], y[p + 3], c1, row, m);
            }
            for (; p < width; p++) {
                Level1.axpy(w[p], y[p], c0, row, m);
                Level1.axpy(w[width + p], y[p], c1, row, m);
            }
        }

        /** w[at..at+width) := -T w, or -T^T w when {@code transposed}, in place. */
        private void multiplyT(double[] w, int at, boolean transposed) {
            int width = width();
            if (transposed) { // lower triangular: from the bottom up
                for (int i = width - 1; i >= 0; i--) {
                    double sum = 0;
                    for (int l = 0; l <= i; l++) sum += t[l][i] * w[at + l];
                    w[at + i] = -sum;
                }
            } else { // upper triangular: from the top down
                for (int i = 0; i < width; i++) {
                    double sum = 0;
                    for (int l = i; l < width; l++) sum += t[i][l] * w[at + l];
                    w[at + i] = -sum;
                }
            }
        }
    }
}
