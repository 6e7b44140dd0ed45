package mdlora.tensor.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import mdlora.tensor.Parallel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DoubleGemmTest {
    /** C[cRow + i][...] as the naive triple loop computes C (+)= alpha A B, C held as columns. */
    private static void naive(int m, int n, int k, double alpha, DoubleGemm.Operand a, DoubleGemm.Operand b,
                              boolean accumulate, double[][] c, int cRow, int cCol) {
        for (int j = 0; j < n; j++)
            for (int i = 0; i < m; i++) {
                double sum = 0;
                for (int p = 0; p < k; p++) sum += a.get(i, p) * b.get(p, j);
                c[cCol + j][cRow + i] = (accumulate ? c[cCol + j][cRow + i] : 0) + alpha * sum;
            }
    }

    private static void assertClose(double[][] expected, double[][] actual) {
        for (int j = 0; j < expected.length; j++)
            for (int i = 0; i < expected[j].length; i++)
                assertEquals(expected[j][i], actual[j][i], 1e-12 * (1 + Math.abs(expected[j][i])), "(" + i + ", " + j + ")");
    }

    @ParameterizedTest(name = "{0}x{1}x{2} A rows {3} B rows {4} accumulate {5}")
    @CsvSource({
        "1,1,1,false,false,false", "13,7,300,false,false,true", "97,5,3,true,false,false",
        "8,4,256,false,true,true", "105,11,257,true,true,false", "200,9,40,true,true,true", "9,203,17,false,true,false"})
    void matchesTheTripleLoopOnOddShapesOperandLayoutsAndOffsets(int m, int n, int k, boolean aRows, boolean bRows, boolean accumulate) {
        // Each operand sits at an offset inside bigger storage, held as rows or as columns.
        int pad = 3;
        double[][] aStore = aRows ? Matrices.gaussian(m + pad, k + pad, 1) : Matrices.gaussian(k + pad, m + pad, 1);
        double[][] bStore = bRows ? Matrices.gaussian(k + pad, n + pad, 2) : Matrices.gaussian(n + pad, k + pad, 2);
        var a = new DoubleGemm.Operand(aStore, aRows, 0, 0).at(2, 1);
        var b = new DoubleGemm.Operand(bStore, bRows, 0, 0).at(1, 3);
        double[][] c = Matrices.gaussian(n + pad, m + pad, 3), expected = Matrices.copy(c);
        DoubleGemm.multiply(m, n, k, -0.75, a, b, accumulate, c, 2, 1);
        naive(m, n, k, -0.75, a, b, accumulate, expected, 2, 1);
        assertClose(expected, c);
    }

    @Test
    void anEmptyDepthZeroesOrKeepsC() {
        double[][] c = Matrices.gaussian(3, 4, 4), kept = Matrices.copy(c);
        var a = DoubleGemm.Operand.columns(Matrices.gaussian(1, 4, 5));
        var b = DoubleGemm.Operand.rows(Matrices.gaussian(1, 3, 6));
        DoubleGemm.multiply(4, 3, 0, 1, a, b, true, c, 0, 0);
        assertClose(kept, c);
        DoubleGemm.multiply(4, 3, 0, 1, a, b, false, c, 0, 0);
        for (double[] column : c) assertArrayEquals(new double[4], column);
    }

    @Test
    void lowerTriangleOfASymmetricProductLeavesTheRestAlone() {
        // G = X^T X for X [k, n] held as columns: X^T is X's columns held as rows.
        int n = 211, k = 70, at = 2;
        double[][] x = Matrices.gaussian(n, k, 7);
        double[][] g = Matrices.gaussian(n + at, n + at, 8), before = Matrices.copy(g), expected = Matrices.copy(g);
        DoubleGemm.multiplyLower(n, k, 0.5, DoubleGemm.Operand.rows(x), DoubleGemm.Operand.columns(x), true, g, at);
        naive(n, n, k, 0.5, DoubleGemm.Operand.rows(x), DoubleGemm.Operand.columns(x), true, expected, at, at);
        for (int j = 0; j < n + at; j++)
            for (int i = 0; i < n + at; i++) {
                boolean lower = i >= at && j >= at && i >= j;
                if (lower) assertEquals(expected[j][i], g[j][i], 1e-12 * (1 + Math.abs(expected[j][i])));
                else if (i < at || j < at) assertEquals(before[j][i], g[j][i], 0, "outside the view");
            }
    }

    @Test
    void resultDoesNotDependOnTheThreadCount() {
        int m = 301, n = 37, k = 290;
        var a = DoubleGemm.Operand.columns(Matrices.gaussian(k, m, 9));
        var b = DoubleGemm.Operand.columns(Matrices.gaussian(n, k, 10));
        int threads = Parallel.threads();
        try {
            Parallel.setThreads(1);
            double[][] one = new double[n][m];
            DoubleGemm.multiply(m, n, k, 1, a, b, false, one, 0, 0);
            Parallel.setThreads(3);
            double[][] three = new double[n][m];
            DoubleGemm.multiply(m, n, k, 1, a, b, false, three, 0, 0);
            for (int j = 0; j < n; j++) assertArrayEquals(one[j], three[j]);
        } finally {
            Parallel.setThreads(threads);
        }
    }
}
