package mdlora.tensor.cpu;

import static mdlora.tensor.cpu.MicroKernel.NR;

import java.util.Arrays;

/**
 * Copies blocks of the operands into the layouts the micro-kernel streams through: A as a row-major
 * block, B as {@code kc x NR} panels. Reading through strides makes transposition part of the copy.
 */
final class Packing {
    private Packing() {}

    /** Copies the {@code mc x kc} block of A starting at its element (0, 0) into {@code dst}, row-major with leading dimension kc. */
    static Operand packA(Operand a, int mc, int kc, float[] dst) {
        float[] src = a.data();
        if (a.rowsContiguous()) {
            for (int i = 0; i < mc; i++) System.arraycopy(src, a.index(i, 0), dst, i * kc, kc);
        } else {
            // A is transposed in storage: walk its stored rows (columns of op(A)) so reads stay sequential.
            int rs = a.rowStride();
            for (int p = 0; p < kc; p++)
                for (int i = 0, s = a.index(0, p); i < mc; i++, s += rs) dst[i * kc + p] = src[s];
        }
        return new Operand(dst, 0, kc, 1);
    }

    /**
     * Copies the NR-wide column strips {@code [from, to)} of the {@code kc x n} block of B starting at
     * its element (0, 0) into {@code dst}, one {@code kc x NR} row-major panel after another; columns
     * past n are zero.
     */
    static void packB(Operand b, int kc, int n, int from, int to, float[] dst) {
        float[] src = b.data();
        for (int s = from; s < to; s++) {
            int j0 = s * NR, nr = Math.min(NR, n - j0), d = (s - from) * kc * NR;
            if (b.rowsContiguous()) {
                for (int p = 0; p < kc; p++) System.arraycopy(src, b.index(p, j0), dst, d + p * NR, nr);
            } else {
                int cs = b.colStride();
                for (int p = 0; p < kc; p++)
                    for (int j = 0, i = b.index(p, j0); j < nr; j++, i += cs) dst[d + p * NR + j] = src[i];
            }
            if (nr < NR)
                for (int p = 0; p < kc; p++) Arrays.fill(dst, d + p * NR + nr, d + (p + 1) * NR, 0f);
        }
    }
}
