package mdlora.tensor.linalg;

import mdlora.tensor.Parallel;

/**
 * Householder QR of a tall matrix held as columns, A = Q R with Q = H_0 H_1 ... H_{n-1}, each
 * H_k = I - tau_k v_k v_k^T (v_k[k] = 1, zeros above). As in LAPACK, R overwrites the upper triangle
 * and the tails of the v_k the part below the diagonal.
 *
 * <p>Reflectors are made and applied a panel of {@link #PANEL} at a time: each column outside the
 * panel then takes all of the panel's reflectors while it sits in L1, the panel sits in L2, and the
 * columns are spread over the thread pool.
 */
final class HouseholderQr {
    /** Reflectors per panel: 16 columns of 3072 doubles (393 KB) fit a core's L2 cache. */
    private static final int PANEL = 16;

    private final double[][] a;
    private final double[] tau;
    private final int m;

    private HouseholderQr(double[][] a) {
        this.a = a;
        this.m = a[0].length;
        this.tau = new double[a.length];
    }

    /** Factors the columns of A (each of length m >= their count) in place. */
    static HouseholderQr factor(double[][] columns) {
        var qr = new HouseholderQr(columns);
        int n = columns.length;
        for (int start = 0; start < n; start += PANEL) {
            int p0 = start, p1 = Math.min(n, start + PANEL);
            for (int k = p0; k < p1; k++) {
                qr.makeReflector(k);
                for (int j = k + 1; j < p1; j++) qr.reflect(k, columns[j]);
            }
            Parallel.range(n - p1, 4, (s, e) -> {
                for (int j = p1 + s; j < p1 + e; j++)
                    for (int k = p0; k < p1; k++) qr.reflect(k, columns[j]);
            });
        }
        return qr;
    }

    /** The n x n upper-triangular factor R, as columns. */
    double[][] r() {
        int n = a.length;
        double[][] r = new double[n][n];
        for (int j = 0; j < n; j++) System.arraycopy(a[j], 0, r[j], 0, j + 1);
        return r;
    }

    /**
     * Q times the columns x (each of length n, the count of reflectors) padded with zeros to length
     * m: the m-row columns of Q x.
     */
    double[][] q(double[][] x) {
        int n = a.length;
        double[][] y = new double[x.length][m];
        for (int j = 0; j < x.length; j++) System.arraycopy(x[j], 0, y[j], 0, n);
        // Q y = H_0 (H_1 (... (H_{n-1} y))): the last panel first, its reflectors in reverse.
        for (int p1 = n; p1 > 0; p1 -= PANEL) {
            int p0 = Math.max(0, p1 - PANEL), end = p1;
            Parallel.range(y.length, 4, (s, e) -> {
                for (int j = s; j < e; j++)
                    for (int k = end - 1; k >= p0; k--) reflect(k, y[j]);
            });
        }
        return y;
    }

    /**
     * Turns column k into H_k's vector (LAPACK's dlarfg): H_k maps a[k][k..m) to (beta, 0, ..., 0)
     * with |beta| its norm and the sign opposite to a[k][k], which avoids cancellation.
     */
    private void makeReflector(int k) {
        double[] x = a[k];
        double tail = Level1.dot(x, x, k + 1, m);
        if (tail == 0) return; // already zero below the diagonal: H_k = I (tau stays 0)
        double alpha = x[k];
        double beta = -Math.copySign(Math.sqrt(alpha * alpha + tail), alpha);
        tau[k] = (beta - alpha) / beta;
        Level1.scale(1 / (alpha - beta), x, k + 1, m);
        x[k] = beta;
    }

    /** y := H_k y. */
    private void reflect(int k, double[] y) {
        if (tau[k] == 0) return;
        double[] v = a[k];
        double w = tau[k] * (y[k] + Level1.dot(v, y, k + 1, m));
        y[k] -= w;
        Level1.axpy(-w, v, y, k + 1, m);
    }
}
