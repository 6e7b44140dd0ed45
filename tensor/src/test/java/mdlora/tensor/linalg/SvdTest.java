package mdlora.tensor.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import mdlora.tensor.Parallel;
import mdlora.tensor.Rng;
import mdlora.tensor.Tensor;
import mdlora.tensor.io.SafetensorsFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SvdTest {
    private static final double ACCURACY = 1e-5;

    /** ||A - U diag(S) Vt||_F / ||A||_F, in double. */
    private static double reconstructionError(Tensor a, Svd svd) {
        int m = a.size(0), n = a.size(1), k = svd.s().size(0);
        float[] x = a.contiguousData(), u = svd.u().contiguousData(), s = svd.s().toArray(), vt = svd.vt().contiguousData();
        double err = 0, norm = 0;
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) {
                double y = 0;
                for (int r = 0; r < k; r++) y += (double) u[i * k + r] * s[r] * vt[r * n + j];
                double aij = x[i * n + j];
                err += (aij - y) * (aij - y);
                norm += aij * aij;
            }
        return norm == 0 ? Math.sqrt(err) : Math.sqrt(err / norm);
    }

    /** ||Q^T Q - I||_F for the columns of q, in double. */
    private static double orthonormalityError(Tensor q) {
        int rows = q.size(0), cols = q.size(1);
        float[] d = q.contiguousData();
        double err = 0;
        for (int i = 0; i < cols; i++)
            for (int j = 0; j < cols; j++) {
                double dot = 0;
                for (int r = 0; r < rows; r++) dot += (double) d[r * cols + i] * d[r * cols + j];
                err += (dot - (i == j ? 1 : 0)) * (dot - (i == j ? 1 : 0));
            }
        return Math.sqrt(err);
    }

    private static void assertValid(Tensor a, Svd svd) {
        int m = a.size(0), n = a.size(1), k = Math.min(m, n);
        assertArrayEquals(new int[] {m, k}, svd.u().shape());
        assertArrayEquals(new int[] {k}, svd.s().shape());
        assertArrayEquals(new int[] {k, n}, svd.vt().shape());
        float[] s = svd.s().toArray();
        for (int j = 0; j < k; j++) {
            assertTrue(s[j] >= 0, "non-negative");
            if (j > 0) assertTrue(s[j] <= s[j - 1], "descending");
        }
        assertTrue(reconstructionError(a, svd) <= ACCURACY, () -> "reconstruction error " + reconstructionError(a, svd));
        assertTrue(orthonormalityError(svd.u()) <= ACCURACY, () -> "U^T U - I: " + orthonormalityError(svd.u()));
        assertTrue(orthonormalityError(svd.vt().mT()) <= ACCURACY, () -> "V^T V - I: " + orthonormalityError(svd.vt().mT()));
    }

    @ParameterizedTest(name = "{0}x{1}")
    @CsvSource({"1,1", "1,5", "5,1", "7,3", "3,7", "64,64", "192,576", "576,192", "200,199"})
    void decomposesGaussianMatrices(int m, int n) {
        Tensor a = new Rng(m * 1000L + n).normal(0f, 1f, m, n);
        assertValid(a, Svd.of(a));
    }

    @Test
    void decomposesStridedViews() {
        Tensor a = new Rng(3).normal(0f, 1f, 40, 30);
        Svd fromView = Svd.of(a.mT());
        Svd fromCopy = Svd.of(a.mT().contiguous());
        assertArrayEquals(fromCopy.s().toArray(), fromView.s().toArray());
        assertValid(a.mT(), fromView);
    }

    @Test
    void rankDeficientMatricesGetZeroSingularValuesAndCompleteBases() {
        // Columns 0 and 3 equal, 1 and 5 equal, column 2 zero: rank 4 of 7, as a tall matrix, its
        // transpose and a square one (its first 7 rows).
        Tensor b = new Rng(7).normal(0f, 1f, 12, 4);
        Tensor tall = Tensor.concat(1, b.slice(1, 0, 2), Tensor.zeros(12, 1), b.slice(1, 0, 1), b.slice(1, 2, 4), b.slice(1, 1, 2));
        for (Tensor a : new Tensor[] {tall, tall.mT(), tall.slice(0, 0, 7)}) {
            Svd svd = Svd.of(a);
            assertValid(a, svd);
            float[] s = svd.s().toArray();
            assertTrue(s[3] > 1e-2 * s[0]);
            for (int j = 4; j < s.length; j++) assertTrue(s[j] <= 1e-6 * s[0], "s_" + j + " = " + s[j]);
        }
    }

    @Test
    void zeroMatrix() {
        Tensor a = Tensor.zeros(5, 3);
        Svd svd = Svd.of(a);
        assertArrayEquals(new float[3], svd.s().toArray());
        assertValid(a, svd);
    }

    @Test
    void hugeConditionNumber() {
        // A = P diag(10^0 .. 10^-15) Q^T with random orthogonal P, Q: condition ~1e15, far beyond float.
        int n = 16;
        Tensor p = Svd.of(new Rng(1).normal(0f, 1f, 40, n)).u();
        Tensor q = Svd.of(new Rng(2).normal(0f, 1f, n, n)).u();
        float[] d = new float[n];
        for (int j = 0; j < n; j++) d[j] = (float) Math.pow(10, -j);
        Tensor a = p.mul(Tensor.of(d, n)).matmul(q.mT());
        Svd svd = Svd.of(a);
        assertValid(a, svd);
        float[] s = svd.s().toArray();
        for (int j = 0; j < 5; j++) assertEquals(d[j], s[j], 1e-6, "s_" + j);
    }

    @Test
    void gradedMatricesKeepRelativeAccuracy() {
        // A = B D: B upper bidiagonal and well conditioned, D grading the columns from 1 to 1e-12.
        // Jacobi finds each singular value to a few ulps of itself, however small (Demmel and
        // Veselic); the reference is bisection on the Golub-Kahan matrix, accurate in the same sense.
        int n = 40;
        var rng = new java.util.Random(5);
        float[] a = new float[n * n];
        double[] diagonal = new double[n], superDiagonal = new double[n - 1];
        for (int j = 0; j < n; j++) {
            double scale = Math.pow(10, -12.0 * j / (n - 1));
            a[j * n + j] = (float) ((1 + rng.nextDouble()) * scale);
            diagonal[j] = a[j * n + j];
            if (j > 0) superDiagonal[j - 1] = a[(j - 1) * n + j] = (float) (0.5 * rng.nextDouble() * scale);
        }
        double[] expected = bidiagonalSingularValues(diagonal, superDiagonal);
        Tensor m = Tensor.of(a, n, n);
        for (Tensor x : new Tensor[] {m, m.mT()}) {
            float[] s = Svd.of(x).s().toArray();
            for (int j = 0; j < n; j++)
                assertEquals(expected[j], s[j], 1e-5 * expected[j], "s_" + j + " of " + n);
        }
    }

    @Test
    void denseGradedMatricesKeepPlainJacobisRelativeAccuracy() {
        // A = B D with B Gaussian (dense, well conditioned) and D grading the columns from 1 to 1e-10
        // in a scrambled order:
        // plain one-sided Jacobi in double finds every singular value to a few ulps of itself, and
        // the SVD, whatever shortcut it takes, must match it.
        int n = 48;
        Tensor b = new Rng(9).normal(0f, 1f, n, n);
        float[] d = new float[n];
        for (int j = 0; j < n; j++) d[j] = (float) Math.pow(10, -10.0 * ((j * 7) % n) / (n - 1));
        Tensor a = b.mul(Tensor.of(d, n)).contiguous();
        float[] x = a.contiguousData();
        double[][] columns = new double[n][n];
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++) columns[j][i] = x[i * n + j];
        OneSidedJacobi.orthogonalize(columns, 1e-15);
        float[] s = Svd.of(a).s().toArray();
        for (int j = 0; j < n; j++) {
            double expected = Math.sqrt(Level1.dot(columns[j], columns[j], 0, n));
            assertEquals(expected, s[j], 1e-5 * expected, "s_" + j);
        }
    }

    /**
     * Singular values (descending) of the upper bidiagonal matrix by bisection on the Sturm counts of
     * the Golub-Kahan matrix (zero diagonal, off-diagonal d_0, e_0, d_1, e_1, ...), whose positive
     * eigenvalues they are: accurate relative to each value.
     */
    private static double[] bidiagonalSingularValues(double[] d, double[] e) {
        int n = d.length;
        double[] off = new double[2 * n - 1];
        for (int i = 0; i < n; i++) {
            off[2 * i] = d[i];
            if (i < n - 1) off[2 * i + 1] = e[i];
        }
        double upper = 0;
        for (double x : off) upper += 2 * Math.abs(x);
        double[] s = new double[n];
        for (int k = 0; k < n; k++) { // the k-th smallest: the least x with more than k values below it
            double lo = 0, hi = upper;
            for (int it = 0; it < 400 && hi - lo > 1e-15 * hi; it++) {
                double mid = lo > 0 ? Math.sqrt(lo * hi) : hi / 4;
                if (valuesBelow(off, mid) > k) hi = mid;
                else lo = mid;
            }
            s[n - 1 - k] = hi;
        }
        return s;
    }

    /** Singular values below x: eigenvalues of the Golub-Kahan matrix below x, less the n negative ones. */
    private static int valuesBelow(double[] off, double x) {
        int negative = 0;
        double q = -x;
        for (int i = 0; ; i++) {
            if (q == 0) q = -Double.MIN_NORMAL;
            if (q < 0) negative++;
            if (i == off.length) break;
            q = -x - off[i] * off[i] / q;
        }
        return negative - (off.length + 1) / 2;
    }

    @Test
    void singularValuesMatchPyTorch() throws IOException, URISyntaxException {
        // svd_golden.safetensors: a 48x32 float32 matrix with a graded spectrum, and the singular
        // values torch.linalg.svd gives for it in float64 (make_svd_golden.py).
        Path golden = Path.of(getClass().getResource("svd_golden.safetensors").toURI());
        try (var f = SafetensorsFile.open(golden)) {
            Tensor a = f.tensor("a");
            float[] expected = f.tensor("s").toArray();
            for (Tensor m : new Tensor[] {a, a.mT()}) {
                Svd svd = Svd.of(m);
                assertValid(m, svd);
                float[] s = svd.s().toArray();
                for (int j = 0; j < s.length; j++) assertEquals(expected[j], s[j], 1e-6 * expected[0], "s_" + j);
            }
        }
    }

    @Test
    void resultDoesNotDependOnTheThreadCount() {
        Tensor a = new Rng(11).normal(0f, 1f, 300, 130);
        int threads = Parallel.threads();
        try {
            Parallel.setThreads(1);
            Svd one = Svd.of(a);
            Parallel.setThreads(3);
            Svd three = Svd.of(a);
            assertArrayEquals(one.u().toArray(), three.u().toArray());
            assertArrayEquals(one.s().toArray(), three.s().toArray());
            assertArrayEquals(one.vt().toArray(), three.vt().toArray());
        } finally {
            Parallel.setThreads(threads);
        }
    }

    @Test
    void refusesNonMatricesAndNonFiniteEntries() {
        assertThrows(IllegalArgumentException.class, () -> Svd.of(Tensor.zeros(2, 2, 2)));
        var e = assertThrows(IllegalArgumentException.class, () -> Svd.of(Tensor.of(new float[] {1, Float.NaN}, 1, 2)));
        assertTrue(e.getMessage().contains("NaN or infinite"), e.getMessage());
    }

    @Test
    void emptyMatrices() {
        Svd svd = Svd.of(Tensor.zeros(3, 0));
        assertArrayEquals(new int[] {3, 0}, svd.u().shape());
        assertArrayEquals(new int[] {0}, svd.s().shape());
        assertArrayEquals(new int[] {0, 0}, svd.vt().shape());
        assertArrayEquals(new int[] {0, 4}, Svd.of(Tensor.zeros(0, 4)).vt().shape());
    }

    @Test
    void effectiveRankIsTheSmallestPrefixHoldingTauOfTheEnergy() {
        Tensor s = Tensor.of(new float[] {3, 2, 1, 0}, 4); // energies 9, 4, 1, 0 of 14
        assertEquals(1, Svd.effectiveRank(s, 9.0 / 14));
        assertEquals(2, Svd.effectiveRank(s, 9.5 / 14));
        assertEquals(2, Svd.effectiveRank(s, 13.0 / 14));
        assertEquals(3, Svd.effectiveRank(s, 0.95));
        assertEquals(3, Svd.effectiveRank(s, 1.0));
        assertEquals(1, Svd.effectiveRank(s, 1e-9));
        assertEquals(0, Svd.effectiveRank(Tensor.zeros(3), 0.95));
        assertEquals(5, Svd.effectiveRank(Tensor.full(1f, 5), 1.0));
        assertEquals(5, Svd.effectiveRank(Tensor.full(1f, 5), 0.95), "flat spectrum: 4 of 5 hold only 80%");
    }

    @Test
    void effectiveRankRefusesBadArguments() {
        Tensor s = Tensor.of(new float[] {2, 1}, 2);
        assertThrows(IllegalArgumentException.class, () -> Svd.effectiveRank(s, 0));
        assertThrows(IllegalArgumentException.class, () -> Svd.effectiveRank(s, 1.5));
        assertThrows(IllegalArgumentException.class, () -> Svd.effectiveRank(Tensor.of(new float[] {1, 2}, 2), 0.9));
        assertThrows(IllegalArgumentException.class, () -> Svd.effectiveRank(Tensor.of(new float[] {-1}, 1), 0.9));
        assertThrows(IllegalArgumentException.class, () -> Svd.effectiveRank(Tensor.zeros(2, 2), 0.9));
    }
}
