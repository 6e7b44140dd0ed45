package mdlora.tensor.cpu;

import static mdlora.tensor.cpu.MicroKernel.MR;
import static mdlora.tensor.cpu.MicroKernel.NR;

import java.util.Arrays;
import mdlora.tensor.Parallel;

/**
 * Single-precision matrix multiply, BLAS conventions on row-major storage:
 * {@code C = alpha * op(A) * op(B) + beta * C}, op(A) is m x k, op(B) is k x n; a transposed operand
 * is read in place through its leading dimension, never copied transposed. With {@code beta == 0}, C is
 * written without being read (NaN in it does not propagate); with {@code alpha == 0} or {@code k == 0},
 * A and B are not read.
 *
 * <p>Work is split over {@link Parallel}'s threads by whole register tiles, and every element is
 * computed by the same sequence of operations however the split falls, so results do not depend on
 * the thread count at all.
 */
public final class Gemm {
    /** Below this many flops a product runs on the calling thread: a fork would cost more than it saves. */
    private static final long PARALLEL_FLOPS = 1L << 21;

    private Gemm() {}

    /** One product; runs on the thread pool (inline when called from a pool thread). */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        sgemmBatched(1, transA, transB, m, n, k, alpha, a, new int[] {aOff}, lda, b, new int[] {bOff}, ldb,
                beta, c, new int[] {cOff}, ldc);
    }

    /**
     * {@code batch} independent products of one shape, the p-th reading A at {@code aOffs[p]}, B at
     * {@code bOffs[p]} and writing C at {@code cOffs[p]}. Offsets may repeat for A and B (a broadcast
     * operand); C blocks must not overlap.
     */
    public static void sgemmBatched(int batch, boolean transA, boolean transB, int m, int n, int k, float alpha,
                                    float[] a, int[] aOffs, int lda, float[] b, int[] bOffs, int ldb,
                                    float beta, float[] c, int[] cOffs, int ldc) {
        if (batch < 0 || m < 0 || n < 0 || k < 0)
            throw new IllegalArgumentException("sgemm: negative size (batch " + batch + ", m " + m + ", n " + n + ", k " + k + ")");
        checkExtent("A", a, aOffs, batch, transA ? k : m, transA ? m : k, lda);
        checkExtent("B", b, bOffs, batch, transB ? n : k, transB ? k : n, ldb);
        checkExtent("C", c, cOffs, batch, m, n, ldc);
        if (batch == 0 || m == 0 || n == 0) return;
        if (k == 0 || alpha == 0f) {
            for (int p = 0; p < batch; p++) scale(beta, c, cOffs[p], m, n, ldc);
            return;
        }
        boolean packA = BlockedGemm.packsA(n, Operand.of(a, 0, lda, transA));
        // Slice each product along its longer side (in tiles) into parts, so that batch * parts spreads evenly over the threads.
        boolean byRows = Math.ceilDiv(m, MR) >= Math.ceilDiv(n, NR);
        int tile = byRows ? MR : NR, tiles = Math.ceilDiv(byRows ? m : n, tile);
        boolean parallel = 2L * m * n * k * batch >= PARALLEL_FLOPS;
        int threads = Parallel.threads();
        int parts = parallel ? Math.min(tiles, threads / gcd(batch, threads)) : 1;
        int units = batch * parts;
        Parallel.range(units, parallel ? 1 : units, (start, end) -> {
            for (int u = start; u < end; u++) {
                int p = u / parts, part = u % parts;
                int from = tiles * part / parts * tile, to = Math.min(byRows ? m : n, tiles * (part + 1) / parts * tile);
                Operand pa = Operand.of(a, aOffs[p], lda, transA), pb = Operand.of(b, bOffs[p], ldb, transB);
                if (byRows)
                    BlockedGemm.multiply(packA, pa.at(from, 0), pb, to - from, n, k, alpha, beta, c, cOffs[p] + from * ldc, ldc);
                else
                    BlockedGemm.multiply(packA, pa, pb.at(0, from), m, to - from, k, alpha, beta, c, cOffs[p] + from, ldc);
            }
        });
    }

    /** {@code C = beta * C}, with {@code beta == 0} clearing C whatever it held. */
    private static void scale(float beta, float[] c, int cOff, int m, int n, int ldc) {
        for (int i = 0; i < m; i++) {
            int row = cOff + i * ldc;
            if (beta == 0f) Arrays.fill(c, row, row + n, 0f);
            else for (int j = row; j < row + n; j++) c[j] *= beta;
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

    private static int gcd(int x, int y) {
        return y == 0 ? x : gcd(y, x % y);
    }
}
