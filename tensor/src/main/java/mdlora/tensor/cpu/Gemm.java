package mdlora.tensor.cpu;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import mdlora.tensor.Parallel;

/**
 * Single-precision matrix multiply, BLAS conventions on row-major storage:
 * {@code C = alpha * op(A) * op(B) + beta * C}, op(A) is m x k, op(B) is k x n; a transposed operand
 * is read through its leading dimension as it is packed, never transposed in a pass of its own. With
 * {@code beta == 0}, C is written without being read (NaN in it does not propagate); with
 * {@code alpha == 0} or {@code k == 0}, A and B are not read.
 *
 * <p>Work is split over {@link Parallel}'s threads by whole products of a batch or by blocks of one
 * product, and every element is computed by the same sequence of operations however the split falls,
 * so results do not depend on the thread count at all.
 */
public final class Gemm {
    /** Below this many flops a call runs on the calling thread: a fork would cost more than it saves. */
    private static final long PARALLEL_FLOPS = 1L << 21;
    /** A product of at least this many flops is worth splitting over the threads by itself. */
    private static final long SPLIT_FLOPS = 1L << 24;

    private Gemm() {}

    /** One product; runs on the thread pool (inline when called from a pool thread). */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, null, 0);
    }

    /**
     * One product with a bias row added to every row of C, {@code C = alpha * op(A) op(B) + beta * C + bias}
     * ({@code bias[biasOff + j]} to column j; null for none): a linear layer. The bias is added as the
     * product's tiles are stored, not in a second pass over C, and rounds exactly as that second pass would.
     */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc, float[] bias, int biasOff) {
        if (bias != null && (biasOff < 0 || (long) biasOff + n > bias.length))
            throw new IllegalArgumentException("sgemm: a bias of " + n + " floats at offset " + biasOff + " does not fit its array of " + bias.length + " floats");
        multiply(1, transA, transB, m, n, k, alpha, a, new int[] {aOff}, lda, b, new int[] {bOff}, ldb,
                beta, c, new int[] {cOff}, ldc, bias, biasOff);
    }

    /**
     * {@code batch} independent products of one shape, the p-th reading A at {@code aOffs[p]}, B at
     * {@code bOffs[p]} and writing C at {@code cOffs[p]}. Offsets may repeat for A and B (a broadcast
     * operand); C blocks must not overlap.
     */
    public static void sgemmBatched(int batch, boolean transA, boolean transB, int m, int n, int k, float alpha,
                                    float[] a, int[] aOffs, int lda, float[] b, int[] bOffs, int ldb,
                                    float beta, float[] c, int[] cOffs, int ldc) {
        multiply(batch, transA, transB, m, n, k, alpha, a, aOffs, lda, b, bOffs, ldb, beta, c, cOffs, ldc, null, 0);
    }

    private static void multiply(int batch, boolean transA, boolean transB, int m, int n, int k, float alpha,
                                 float[] a, int[] aOffs, int lda, float[] b, int[] bOffs, int ldb,
                                 float beta, float[] c, int[] cOffs, int ldc, float[] bias, int biasOff) {
        if (batch < 0 || m < 0 || n < 0 || k < 0)
            throw new IllegalArgumentException("sgemm: negative size (batch " + batch + ", m " + m + ", n " + n + ", k " + k + ")");
        checkExtent("A", a, aOffs, batch, transA ? k : m, transA ? m : k, lda);
        checkExtent("B", b, bOffs, batch, transB ? n : k, transB ? k : n, ldb);
        checkExtent("C", c, cOffs, batch, m, n, ldc);
        if (batch == 0 || m == 0 || n == 0) return;
        if (k == 0 || alpha == 0f) {
            for (int p = 0; p < batch; p++) scale(beta, c, cOffs[p], m, n, ldc, bias, biasOff);
            return;
        }
        boolean packA = BlockedGemm.packsA(n, Operand.of(a, 0, lda, transA));
        Item item = (p, threads) -> BlockedGemm.multiply(packA, Operand.of(a, aOffs[p], lda, transA), Operand.of(b, bOffs[p], ldb, transB),
                m, n, k, alpha, beta, c, cOffs[p], ldc, bias, biasOff, threads);
        long flops = 2L * m * n * k;
        int threads = flops * batch < PARALLEL_FLOPS ? 1 : Parallel.threads();
        if (threads > 1 && batch > 1 && (batch >= 4 * threads || flops < SPLIT_FLOPS)) {
            // Many or small products: whole products go to whichever thread is free next.
            AtomicInteger next = new AtomicInteger();
            Parallel.range(threads, 1, (s, e) -> {
                for (int p; (p = next.getAndIncrement()) < batch; ) item.run(p, 1);
            });
        } else {
            for (int p = 0; p < batch; p++) item.run(p, threads);
        }
    }

    /** Runs product {@code p} of a batch on up to {@code threads} threads. */
    @FunctionalInterface
    private interface Item {
        void run(int p, int threads);
    }

    /** {@code C = beta * C (+ bias)}, with {@code beta == 0} clearing C whatever it held. */
    private static void scale(float beta, float[] c, int cOff, int m, int n, int ldc, float[] bias, int biasOff) {
        for (int i = 0; i < m; i++) {
            int row = cOff + i * ldc;
            if (beta == 0f) Arrays.fill(c, row, row + n, 0f);
            else for (int j = row; j < row + n; j++) c[j] *= beta;
            if (bias != null) for (int j = 0; j < n; j++) c[row + j] += bias[biasOff + j];
        }
    }

    /** Checks that each of the {@code batch} stored {@code rows x cols} matrices (leading dimension ld) lies inside its array. */
    private static void checkExtent(String name, float[] data, int[] offs, int batch, int rows, int cols, int ld) {
        if (rows > 1 && ld < cols)
            throw new IllegalArgumentException("sgemm: leading dimension of " + name + " is " + ld + ", less than its " + cols + " columns");
        if (offs.length < batch)
            throw new IllegalArgumentException("sgemm: " + offs.length + " offsets for " + name + ", need " + batch);
        if (rows == 0 || cols == 0) return;
        long extent = (long) (rows - 1) * ld + cols;
        for (int p = 0; p < batch; p++)
            if (offs[p] < 0 || offs[p] + extent > data.length)
                throw new IllegalArgumentException("sgemm: " + name + " (" + rows + "x" + cols + ", leading dimension " + ld
                        + ") at offset " + offs[p] + " does not fit its array of " + data.length + " floats");
    }
}
