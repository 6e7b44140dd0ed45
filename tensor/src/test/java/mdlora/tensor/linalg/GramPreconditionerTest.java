package mdlora.tensor.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class GramPreconditionerTest {
    private static double frobenius(double[][] columns) {
        double sum = 0;
        for (double[] c : columns) sum += Level1.dot(c, c, 0, c.length);
        return Math.sqrt(sum);
    }

    @Test
    void rotatedColumnsAreNearlyOrthogonalSoJacobiNeedsOneOrTwoSweeps() {
        int n = 120;
        double[][] b = Matrices.gaussian(n, n, 1);
        double[][] c = GramPreconditioner.rotate(b);
        assertNotNull(c);
        // An orthogonal V0 keeps the Frobenius norm (and every singular value).
        assertEquals(frobenius(b), frobenius(c), 1e-12 * frobenius(b));
        double largestCos = 0;
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++) {
                double cos = Math.abs(Level1.dot(c[i], c[j], 0, n))
                        / Math.sqrt(Level1.dot(c[i], c[i], 0, n) * Level1.dot(c[j], c[j], 0, n));
                largestCos = Math.max(largestCos, cos);
            }
        assertTrue(largestCos < 1e-8, "largest cosine " + largestCos);
        double[][] plain = Arrays.stream(b).map(double[]::clone).toArray(double[][]::new);
        assertTrue(OneSidedJacobi.orthogonalize(c, 1e-13) <= 2);
        assertTrue(OneSidedJacobi.orthogonalize(plain, 1e-13) >= 5, "plain Jacobi needs many sweeps");
        for (int j = 0; j < n; j++) {
            double s = Math.sqrt(Level1.dot(plain[j], plain[j], 0, n));
            assertEquals(s, Math.sqrt(Level1.dot(c[j], c[j], 0, n)), 1e-12 * s, "s_" + j);
        }
    }

    @Test
    void illConditionedMatricesAreLeftToPlainJacobi() {
        double[][] b = Matrices.gaussian(40, 40, 2);
        b[7] = b[3].clone(); // rank-deficient
        assertNull(GramPreconditioner.rotate(b));
    }

    @Test
    void qlFindsTheEigenpairsOfATridiagonalMatrix() {
        // T = tridiag(-1, 2, -1): eigenvalues 2 - 2 cos(k pi / (n + 1)).
        int n = 50;
        double[] d = new double[n], e = new double[n - 1];
        Arrays.fill(d, 2);
        Arrays.fill(e, -1);
        var ql = TridiagonalQl.solve(d, e, 0);
        double[] lambda = ql.eigenvalues().clone();
        Arrays.sort(lambda);
        for (int k = 1; k <= n; k++) assertEquals(2 - 2 * Math.cos(k * Math.PI / (n + 1)), lambda[k - 1], 1e-13);
        // Z = I rotated: orthonormal columns with T z_j = lambda_j z_j.
        double[][] z = new double[n][n];
        for (int j = 0; j < n; j++) z[j][j] = 1;
        ql.rotate(z);
        for (int j = 0; j < n; j++) {
            double[] x = z[j];
            for (int i = 0; i < n; i++) {
                double tx = d[i] * x[i] + (i > 0 ? e[i - 1] * x[i - 1] : 0) + (i < n - 1 ? e[i] * x[i + 1] : 0);
                assertEquals(ql.eigenvalues()[j] * x[i], tx, 1e-12);
            }
            for (int k = 0; k <= j; k++) assertEquals(k == j ? 1 : 0, Level1.dot(z[k], x, 0, n), 1e-13);
        }
    }

    @Test
    void tridiagonalizationKeepsTheEigenvalues() {
        // Trace and Frobenius norm are similarity invariants: T must keep both.
        int n = 37;
        double[][] b = Matrices.gaussian(n, n, 3);
        double[][] g = new double[n][n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) g[i][j] = b[i][j] + b[j][i];
        double trace = 0, norm = 0;
        for (int i = 0; i < n; i++) {
            trace += g[i][i];
            norm += Level1.dot(g[i], g[i], 0, n);
        }
        var t = new Tridiagonalization(g);
        for (int p = 0; p < t.panels(); p++) t.reducePanel();
        double tTrace = Arrays.stream(t.diagonal()).sum();
        double tNorm = Arrays.stream(t.diagonal()).map(x -> x * x).sum() + 2 * Arrays.stream(t.offDiagonal()).map(x -> x * x).sum();
        assertEquals(trace, tTrace, 1e-10 * Math.sqrt(norm));
        assertEquals(norm, tNorm, 1e-10 * norm);
    }
}
