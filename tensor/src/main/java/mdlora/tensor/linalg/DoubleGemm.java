package mdlora.tensor.linalg;

import java.util.Arrays;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;
import mdlora.tensor.Parallel;

/**
 * The double-precision matrix product C := C + alpha A B (or C := alpha A B) of the SVD's O(n^3)
 * steps, on matrices held as arrays of columns or of rows ({@link Operand}).
 *
 * <p>Goto's scheme, as in the float GEMM: a {@link #KC}-deep slice of B is packed into panels of
 * {@link #NR} columns, each block of {@link #MC} rows of A into strips of {@link #MR} rows, and a
 * register tile of MR x NR (two vectors by four columns: eight accumulators, the most AVX2's sixteen
 * registers hold with the loads and broadcasts) runs over them with unit-stride loads only. Blocks
 * of rows run in parallel; every element of C is summed in the same order whatever the thread
 * count, so the result does not depend on it.
 */
final class DoubleGemm {
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final int L = D.length();
    /** Rows of the register tile: two vectors. */
    static final int MR = 2 * L;
    /** Columns of the register tile. */
    static final int NR = 4;
    /** Depth of a packed slice: a 4-column panel of it (8 KB) stays in L1. */
    private static final int KC = 256;
    /** Rows per block of A: a packed block (192 KB) stays in L2. */
    private static final int MC = 12 * MR;

    private DoubleGemm() {}

    /**
     * Packing buffers kept per thread: the SVD makes hundreds of products, and fresh buffers would
     * be ~100 MB of zeroed garbage per decomposition. Packing writes every entry the kernel reads
     * (padding included), so a reused buffer needs no clearing. B's buffer belongs to the calling
     * thread and is only read by the others; A's and the tile to the thread that packs them.
     */
    private enum Scratch {
        A, B, TILE;

        private final ThreadLocal<double[]> buffer = ThreadLocal.withInitial(() -> new double[0]);

        double[] get(int size) {
            double[] b = buffer.get();
            if (b.length < size) buffer.set(b = new double[size]);
            return b;
        }
    }

    /**
     * A matrix view into an array of arrays: element (i, j) is {@code arrays[row + i][col + j]} when
     * {@code rows} (the arrays are its rows), else {@code arrays[col + j][row + i]} (its columns).
     *
     * @param arrays the storage
     * @param rows   whether each array is a row of the matrix (else a column)
     * @param row    the view's first row
     * @param col    the view's first column
     */
    record Operand(double[][] arrays, boolean rows, int row, int col) {
        /** The matrix whose columns are {@code columns}, from (0, 0). */
        static Operand columns(double[][] columns) {
            return new Operand(columns, false, 0, 0);
        }

        /** The matrix whose rows are {@code rows} (the transpose of {@link #columns}), from (0, 0). */
        static Operand rows(double[][] rows) {
            return new Operand(rows, true, 0, 0);
        }

        /** The view from (row + i, col + j) on. */
        Operand at(int i, int j) {
            return new Operand(arrays, rows, row + i, col + j);
        }

        double get(int i, int j) {
            return rows ? arrays[row + i][col + j] : arrays[col + j][row + i];
        }
    }

    /**
     * C[0:m, 0:n] := alpha A[0:m, 0:k] B[0:k, 0:n] (+ C when {@code accumulate}), C a view held as
     * columns: element (i, j) is {@code c[cCol + j][cRow + i]}.
     */
    static void multiply(int m, int n, int k, double alpha, Operand a, Operand b, boolean accumulate,
                         double[][] c, int cRow, int cCol) {
        if (m <= 0 || n <= 0) return;
        if (k <= 0) {
            if (!accumulate)
                for (int j = 0; j < n; j++) Arrays.fill(c[cCol + j], cRow, cRow + m, 0);
            return;
        }
        int panels = (n + NR - 1) / NR, blocks = (m + MC - 1) / MC;
        double[] packedB = Scratch.B.get(Math.min(KC, k) * panels * NR);
        for (int p0 = 0; p0 < k; p0 += KC) {
            int kc = Math.min(KC, k - p0);
            boolean add = accumulate || p0 > 0;
            packB(b, p0, kc, n, packedB);
            final int depth = p0;
            Parallel.range(blocks, 1, (s, e) -> {
                double[] packedA = Scratch.A.get(MC * kc);
                double[] tile = Scratch.TILE.get(MR * NR);
                for (int blk = s; blk < e; blk++) {
                    int i0 = blk * MC, mc = Math.min(MC, m - i0);
                    packA(a, i0, mc, depth, kc, packedA);
                    for (int jp = 0; jp < panels; jp++) {
                        int j0 = jp * NR, nr = Math.min(NR, n - j0);
                        for (int ir = 0; ir < mc; ir += MR)
                            kernel(kc, packedA, ir * kc, packedB, jp * kc * NR, alpha, add,
                                    c, cRow + i0 + ir, cCol + j0, Math.min(MR, mc - ir), nr, tile);
                    }
                }
            });
        }
    }

    /**
     * The lower triangle of C[0:n, 0:n] := alpha A[0:n, 0:k] B[0:k, 0:n] (+ C when {@code accumulate}),
     * C held as columns from (at, at), for a product known to be symmetric (A^T A, V W^T + W V^T):
     * blocks of {@link #MC} columns from their diagonal block down, which run in parallel, long ones
     * paired with short ones. Above the diagonal only the diagonal blocks are written.
     */
    static void multiplyLower(int n, int k, double alpha, Operand a, Operand b, boolean accumulate, double[][] c, int at) {
        int blocks = (n + MC - 1) / MC;
        Parallel.range(blocks, 1, (s, t) -> {
            for (int q = s; q < t; q++) {
                int block = q % 2 == 0 ? q / 2 : blocks - 1 - q / 2;
                int j0 = block * MC, cols = Math.min(MC, n - j0);
                multiply(n - j0, cols, k, alpha, a.at(j0, 0), b.at(0, j0), accumulate, c, at + j0, at + j0);
            }
        });
    }

    /** B[p0:p0+kc, 0:n] into panels of NR columns, each kc rows of NR (zeros past n). */
    private static void packB(Operand b, int p0, int kc, int n, double[] out) {
        for (int j0 = 0; j0 < n; j0 += NR) {
            int base = j0 * kc, nr = Math.min(NR, n - j0);
            if (b.rows())
                for (int p = 0; p < kc; p++) {
                    double[] row = b.arrays()[b.row() + p0 + p];
                    int at = base + p * NR, j = 0;
                    for (; j < nr; j++) out[at + j] = row[b.col() + j0 + j];
                    for (; j < NR; j++) out[at + j] = 0;
                }
            else
                for (int j = 0; j < NR; j++) {
                    if (j >= nr) {
                        for (int p = 0; p < kc; p++) out[base + p * NR + j] = 0;
                        continue;
                    }
                    double[] column = b.arrays()[b.col() + j0 + j];
                    int from = b.row() + p0;
                    for (int p = 0; p < kc; p++) out[base + p * NR + j] = column[from + p];
                }
        }
    }

    /** A[i0:i0+mc, p0:p0+kc] into strips of MR rows, each kc columns of MR (zeros past mc). */
    private static void packA(Operand a, int i0, int mc, int p0, int kc, double[] out) {
        for (int r0 = 0; r0 < mc; r0 += MR) {
            int base = r0 * kc, mr = Math.min(MR, mc - r0);
            if (!a.rows())
                for (int p = 0; p < kc; p++) {
                    double[] column = a.arrays()[a.col() + p0 + p];
                    int at = base + p * MR, from = a.row() + i0 + r0;
                    if (mr == MR) { // two vector copies: an arraycopy call of eight costs more than its work
                        DoubleVector.fromArray(D, column, from).intoArray(out, at);
                        DoubleVector.fromArray(D, column, from + L).intoArray(out, at + L);
                    } else {
                        for (int r = 0; r < mr; r++) out[at + r] = column[from + r];
                        for (int r = mr; r < MR; r++) out[at + r] = 0;
                    }
                }
            else
                for (int r = 0; r < MR; r++) {
                    if (r >= mr) {
                        for (int p = 0; p < kc; p++) out[base + p * MR + r] = 0;
                        continue;
                    }
                    double[] row = a.arrays()[a.row() + i0 + r0 + r];
                    int from = a.col() + p0;
                    for (int p = 0; p < kc; p++) out[base + p * MR + r] = row[from + p];
                }
        }
    }

    /**
     * The MR x NR tile C[ci.., cj..] (+)= alpha A B from a packed strip of A at {@code ai} and a
     * packed panel of B at {@code bi}; only mr x nr of it is stored.
     */
    private static void kernel(int kc, double[] a, int ai, double[] b, int bi, double alpha, boolean add,
                               double[][] c, int ci, int cj, int mr, int nr, double[] tile) {
        var c00 = DoubleVector.zero(D);
        var c01 = c00;
        var c10 = c00;
        var c11 = c00;
        var c20 = c00;
        var c21 = c00;
        var c30 = c00;
        var c31 = c00;
        for (int p = 0; p < kc; p++) {
            int ap = ai + p * MR, bp = bi + p * NR;
            var a0 = DoubleVector.fromArray(D, a, ap);
            var a1 = DoubleVector.fromArray(D, a, ap + L);
            var x = DoubleVector.broadcast(D, b[bp]);
            c00 = a0.fma(x, c00);
            c01 = a1.fma(x, c01);
            x = DoubleVector.broadcast(D, b[bp + 1]);
            c10 = a0.fma(x, c10);
            c11 = a1.fma(x, c11);
            x = DoubleVector.broadcast(D, b[bp + 2]);
            c20 = a0.fma(x, c20);
            c21 = a1.fma(x, c21);
            x = DoubleVector.broadcast(D, b[bp + 3]);
            c30 = a0.fma(x, c30);
            c31 = a1.fma(x, c31);
        }
        if (mr == MR && nr == NR) {
            store(c00, c01, alpha, add, c[cj], ci);
            store(c10, c11, alpha, add, c[cj + 1], ci);
            store(c20, c21, alpha, add, c[cj + 2], ci);
            store(c30, c31, alpha, add, c[cj + 3], ci);
            return;
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, L);
        c10.intoArray(tile, MR);
        c11.intoArray(tile, MR + L);
        c20.intoArray(tile, 2 * MR);
        c21.intoArray(tile, 2 * MR + L);
        c30.intoArray(tile, 3 * MR);
        c31.intoArray(tile, 3 * MR + L);
        for (int j = 0; j < nr; j++)
            for (int r = 0; r < mr; r++) {
                double[] column = c[cj + j];
                double ab = alpha * tile[j * MR + r];
                column[ci + r] = add ? column[ci + r] + ab : ab;
            }
    }

    /** The vector twin of the edge loop above, with the same rounding: C + alpha * acc. */
    private static void store(DoubleVector lo, DoubleVector hi, double alpha, boolean add, double[] column, int at) {
        var a = DoubleVector.broadcast(D, alpha);
        var x = lo.mul(a);
        var y = hi.mul(a);
        if (add) {
            x = x.add(DoubleVector.fromArray(D, column, at));
            y = y.add(DoubleVector.fromArray(D, column, at + L));
        }
        x.intoArray(column, at);
        y.intoArray(column, at + L);
    }
}
