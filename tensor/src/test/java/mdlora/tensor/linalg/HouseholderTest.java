package mdlora.tensor.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The blocked (compact WY, matrix-product) reflector code against one reflector at a time. */
class HouseholderTest {
    /** y := H y, H = I - tau v v^T with v's unit at {@code row} and its tail below it in {@code stored}. */
    private static void reflect(double[] stored, int row, double tau, double[] y) {
        double dot = y[row];
        for (int i = row + 1; i < y.length; i++) dot += stored[i] * y[i];
        y[row] -= tau * dot;
        for (int i = row + 1; i < y.length; i++) y[i] -= tau * dot * stored[i];
    }

    @Test
    void blockReflectorEqualsItsReflectorsOneAtATime() {
        // Reflectors made from columns 5..5+width of a random matrix, as a QR panel makes them
        // (each column reflected by the ones before it first).
        int m = 90, width = 21, p0 = 5;
        double[][] a = Matrices.gaussian(p0 + width, m, 1);
        double[] tau = new double[width];
        for (int k = p0; k < p0 + width; k++) {
            for (int l = p0; l < k; l++) reflect(a[l], l, tau[l - p0], a[k]);
            tau[k - p0] = HouseholderQr.makeReflector(a[k], k);
        }
        var block = HouseholderQr.BlockReflector.of(a, p0, p0 + width, tau);
        for (boolean transposed : new boolean[] {false, true}) {
            double[][] c = Matrices.gaussian(9, m, 2), expected = Matrices.copy(c);
            HouseholderQr.applyToAll(block, c, 2, 9, transposed);
            // Q = H_0 ... H_{w-1}: Q c applies the last first, Q^T c the first first.
            for (int j = 2; j < 9; j++)
                for (int q = 0; q < width; q++) {
                    int k = transposed ? p0 + q : p0 + width - 1 - q;
                    reflect(a[k], k, tau[k - p0], expected[j]);
                }
            for (int j = 0; j < 9; j++)
                for (int i = 0; i < m; i++) assertEquals(expected[j][i], c[j][i], 1e-12, transposed + " (" + i + ", " + j + ")");
        }
    }

    @Test
    void rOfTheBlockedQrReproducesTheGram() {
        // A^T A = R^T Q^T Q R = R^T R, across two panels and a partial third.
        int m = 230, n = 150;
        double[][] a = Matrices.gaussian(n, m, 3);
        double[][] rows = HouseholderQr.rowsOfR(Matrices.copy(a));
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) {
                double gram = Level1.dot(a[i], a[j], 0, m), rtr = 0;
                for (int l = 0; l < n; l++) rtr += rows[l][i] * rows[l][j];
                assertEquals(gram, rtr, 1e-10 * m);
                if (j < i) assertEquals(0, rows[i][j], 0, "below R's diagonal");
            }
    }

    @Test
    void tridiagonalReductionsQIsOrthogonalAndTridiagonalisesA() {
        // Q = I P_0 P_1 P_2, each panel applied as soon as it is reduced; then Q^T A Q must be T.
        int n = 75;
        double[][] b = Matrices.gaussian(n, n, 4), a = new double[n][n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) a[j][i] = b[i][j] + b[j][i];
        var t = new Tridiagonalization(Matrices.copy(a));
        double[][] q = new double[n][n];
        for (int i = 0; i < n; i++) q[i][i] = 1;
        for (int p = 0; p < t.panels(); p++) Tridiagonalization.applyFromRight(t.reducePanel(), q);
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++) {
                assertEquals(i == j ? 1 : 0, Level1.dot(q[i], q[j], 0, n), 1e-13);
                double qaq = 0; // q_i^T A q_j
                for (int r = 0; r < n; r++) qaq += q[i][r] * Level1.dot(a[r], q[j], 0, n);
                double expected = i == j ? t.diagonal()[i] : i == j + 1 ? t.offDiagonal()[j] : 0;
                assertEquals(expected, qaq, 1e-11, "T(" + i + ", " + j + ")");
            }
    }
}
