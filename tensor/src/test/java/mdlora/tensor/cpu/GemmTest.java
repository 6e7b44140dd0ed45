package mdlora.tensor.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import mdlora.tensor.Parallel;
import org.junit.jupiter.api.Test;

class GemmTest {
    private static final int[] SIZES = {1, 2, 3, 7, 8, 9, 15, 16, 17, 33, 65};

    /** A product's operands laid out with padded leading dimensions and offsets, plus its double-precision answer. */
    private record Case(boolean transA, boolean transB, int m, int n, int k, float alpha, float beta,
                        float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {

        static Case random(SplittableRandom rng, boolean transA, boolean transB, int m, int n, int k, float alpha, float beta) {
            int lda = (transA ? m : k) + 3, ldb = (transB ? k : n) + 1, ldc = n + 2;
            int aOff = 5, bOff = 3, cOff = 7;
            float[] a = fill(rng, aOff + (transA ? k : m) * lda);
            float[] b = fill(rng, bOff + (transB ? n : k) * ldb);
            float[] c = fill(rng, cOff + m * ldc);
            if (beta == 0f) Arrays.fill(c, Float.NaN);
            return new Case(transA, transB, m, n, k, alpha, beta, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        }

        float[] run() {
            float[] out = c.clone();
            Gemm.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, out, cOff, ldc);
            return out;
        }

        float a(int i, int p) {
            return a[aOff + (transA ? p * lda + i : i * lda + p)];
        }

        float b(int p, int j) {
            return b[bOff + (transB ? j * ldb + p : p * ldb + j)];
        }

        /** Checks {@code out} against the product in double, within float rounding of a k-term sum, and that padding is untouched. */
        void check(float[] out) {
            for (int idx = 0; idx < c.length; idx++) {
                int i = (idx - cOff) / ldc, j = (idx - cOff) % ldc;
                boolean inside = idx >= cOff && i < m && j < n;
                if (!inside) {
                    assertEquals(c[idx], out[idx], 0f, () -> this + ": wrote outside C");
                    continue;
                }
                double sum = 0, mag = 0;
                for (int p = 0; p < k; p++) {
                    sum += (double) a(i, p) * b(p, j);
                    mag += Math.abs((double) a(i, p) * b(p, j));
                }
                double prior = beta == 0f ? 0 : (double) beta * c[idx];
                double want = alpha * sum + prior;
                double tol = 2e-7 * (k + 2) * (Math.abs(alpha) * mag + Math.abs(prior)) + 1e-30;
                float got = out[idx];
                int row = i, col = j;
                assertTrue(Math.abs(got - want) <= tol, () -> this + " at (" + row + "," + col + "): got " + got + ", want " + want);
            }
        }

        @Override
        public String toString() {
            return "sgemm(" + (transA ? "T" : "N") + (transB ? "T" : "N") + ", m=" + m + ", n=" + n + ", k=" + k
                    + ", alpha=" + alpha + ", beta=" + beta + ")";
        }
    }

    private static float[] fill(SplittableRandom rng, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) rng.nextDouble(-1, 1);
        return x;
    }

    @Test
    void allTransposesAndEdgeSizesMatchTheReference() {
        SplittableRandom rng = new SplittableRandom(1);
        for (boolean ta : new boolean[] {false, true})
            for (boolean tb : new boolean[] {false, true})
                for (int m : SIZES)
                    for (int n : SIZES)
                        for (int k : SIZES) {
                            Case t = Case.random(rng, ta, tb, m, n, k, 1f, 0f);
                            t.check(t.run());
                        }
    }

    @Test
    void alphaAndBetaScaleTheProductAndTheOldC() {
        SplittableRandom rng = new SplittableRandom(2);
        for (float[] ab : new float[][] {{-0.5f, 1f}, {2f, 0.75f}, {1f, -1f}})
            for (boolean ta : new boolean[] {false, true})
                for (boolean tb : new boolean[] {false, true}) {
                    Case t = Case.random(rng, ta, tb, 17, 33, 9, ab[0], ab[1]);
                    t.check(t.run());
                }
    }

    @Test
    void blockBoundariesInEveryDimension() {
        // Past KC (several k-blocks), MC (several A blocks), NC (several B blocks), and past the direct-read limit.
        SplittableRandom rng = new SplittableRandom(3);
        int[][] shapes = {{9, 7, 600}, {300, 70, 40}, {5, 2100, 20}, {70, 70, 300}, {130, 33, 257}};
        for (int[] s : shapes)
            for (boolean ta : new boolean[] {false, true})
                for (boolean tb : new boolean[] {false, true}) {
                    Case t = Case.random(rng, ta, tb, s[0], s[1], s[2], 1.5f, 0.5f);
                    t.check(t.run());
                }
    }

    @Test
    void zeroBetaIgnoresNaNInC() {
        Case t = Case.random(new SplittableRandom(4), false, false, 9, 17, 5, 1f, 0f);
        float[] out = t.run();
        for (int i = 0; i < t.m(); i++)
            for (int j = 0; j < t.n(); j++) assertTrue(Float.isFinite(out[t.cOff() + i * t.ldc() + j]));
    }

    @Test
    void zeroAlphaOrEmptyKOnlyScalesC() {
        float[] nan = {Float.NaN, Float.NaN, Float.NaN, Float.NaN};
        float[] c = {1, 2, 3, 4};
        Gemm.sgemm(false, false, 2, 2, 2, 0f, nan, 0, 2, nan, 0, 2, 0.5f, c, 0, 2);
        assertArrayEquals(new float[] {0.5f, 1, 1.5f, 2}, c);
        Gemm.sgemm(false, false, 2, 2, 0, 1f, new float[0], 0, 1, new float[0], 0, 2, 0f, c, 0, 2);
        assertArrayEquals(new float[4], c);
    }

    @Test
    void batchedProductsWithBroadcastOperands() {
        SplittableRandom rng = new SplittableRandom(5);
        int batch = 5, m = 13, n = 19, k = 11;
        float[] a = fill(rng, 2 * m * k), b = fill(rng, batch * k * n), c = new float[batch * m * n];
        int[] aOffs = {0, m * k, 0, m * k, 0}, bOffs = new int[batch], cOffs = new int[batch];
        for (int p = 0; p < batch; p++) {
            bOffs[p] = p * k * n;
            cOffs[p] = p * m * n;
        }
        Gemm.sgemmBatched(batch, false, true, m, n, k, 1f, a, aOffs, k, b, bOffs, k, 0f, c, cOffs, n);
        for (int p = 0; p < batch; p++) {
            float[] one = new float[m * n];
            Gemm.sgemm(false, true, m, n, k, 1f, a, aOffs[p], k, b, bOffs[p], k, 0f, one, 0, n);
            assertArrayEquals(one, Arrays.copyOfRange(c, cOffs[p], cOffs[p] + m * n), "batch item " + p);
        }
    }

    @Test
    void resultsAreIdenticalOnOneAndTwoThreads() {
        int before = Parallel.threads();
        try {
            // {m, n, k}; the last two split by panels of B alone (few blocks of A), the last a LoRA factor's gradient:
            // few rows of a transposed A over two column blocks of B and two k-blocks
            for (int[] s : new int[][] {{200, 150, 300}, {30, 700, 100}, {64, 600, 1100}}) {
                for (boolean tb : new boolean[] {false, true}) {
                    Case t = Case.random(new SplittableRandom(6), s[0] == 64, tb, s[0], s[1], s[2], 1f, 0f);
                    Parallel.setThreads(1);
                    float[] one = t.run();
                    Parallel.setThreads(2);
                    assertArrayEquals(one, t.run(), t.toString());
                }
            }
            int batch = 3, m = 70, n = 90, k = 200;
            SplittableRandom rng = new SplittableRandom(7);
            float[] a = fill(rng, batch * m * k), b = fill(rng, k * n);
            int[] aOffs = {0, m * k, 2 * m * k}, bOffs = {0, 0, 0}, cOffs = {0, m * n, 2 * m * n};
            float[][] out = new float[2][batch * m * n];
            for (int threads = 1; threads <= 2; threads++) {
                Parallel.setThreads(threads);
                Gemm.sgemmBatched(batch, false, false, m, n, k, 1f, a, aOffs, k, b, bOffs, n, 0f, out[threads - 1], cOffs, n);
            }
            assertArrayEquals(out[0], out[1]);
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void biasInTheOutputPassEqualsAddingItAfterwards() {
        // every tile path: full and edge tiles, several k-blocks (the bias joins only the last), packed and direct A,
        // beta both 0 (C not read) and not, and the k == 0 path that never reaches the kernel
        SplittableRandom rng = new SplittableRandom(8);
        int[][] shapes = {{9, 7, 5}, {17, 33, 1100}, {70, 150, 64}, {5, 2100, 20}, {4, 16, 0}};
        for (int[] s : shapes)
            for (boolean ta : new boolean[] {false, true})
                for (boolean tb : new boolean[] {false, true})
                    for (float beta : new float[] {0f, 0.5f}) {
                        Case t = Case.random(rng, ta, tb, s[0], s[1], s[2], 1.25f, beta);
                        float[] bias = fill(rng, t.n() + 3), fused = t.c().clone(), apart = t.run();
                        Gemm.sgemm(ta, tb, t.m(), t.n(), t.k(), t.alpha(), t.a(), t.aOff(), t.lda(), t.b(), t.bOff(), t.ldb(),
                                beta, fused, t.cOff(), t.ldc(), bias, 3);
                        for (int i = 0; i < t.m(); i++)
                            for (int j = 0; j < t.n(); j++) apart[t.cOff() + i * t.ldc() + j] += bias[3 + j];
                        assertArrayEquals(apart, fused, t.toString());
                    }
    }

    @Test
    void rejectsABiasShorterThanTheRows() {
        float[] x = new float[4];
        var e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.sgemm(false, false, 2, 2, 2, 1f, x, 0, 2, x, 0, 2, 0f, new float[4], 0, 2, new float[2], 1));
        assertTrue(e.getMessage().contains("bias of 2 floats at offset 1"), e.getMessage());
    }

    @Test
    void rejectsOperandsThatDoNotFitTheirArrays() {
        float[] x = new float[6];
        var e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.sgemm(false, false, 2, 3, 3, 1f, x, 1, 3, x, 0, 3, 0f, new float[6], 0, 3));
        assertTrue(e.getMessage().contains("A (2x3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.sgemm(false, false, 2, 3, 3, 1f, x, 0, 2, x, 0, 3, 0f, new float[6], 0, 3));
        assertTrue(e.getMessage().contains("leading dimension of A is 2"), e.getMessage());
    }
}
