package mdlora.tensor.cpu;

import static mdlora.tensor.cpu.MicroKernel.MR;
import static mdlora.tensor.cpu.MicroKernel.NR;
import static mdlora.tensor.cpu.VectorMath.F;

import jdk.incubator.vector.FloatVector;

/**
 * Copies blocks of the operands into the layouts the micro-kernel streams through: A as k-major
 * {@code kc x MR} strips, B as {@code kc x NR} panels. Reading through strides makes transposition part of the copy.
 */
final class Packing {
    private static final int L = F.length();

    private Packing() {}

    /**
     * Copies the {@code mc x kc} block of A starting at its element (0, 0) into {@code dst} at {@code dOff}
     * as the micro-kernel reads it: MR-row strips, strip t at {@code dOff + t * MR * kc}, each k-major
     * (the MR values of one column adjacent), with zeros in the rows past mc.
     */
    static void packA(Operand a, int mc, int kc, float[] dst, int dOff) {
        float[] src = a.data();
        for (int r0 = 0; r0 < mc; r0 += MR) {
            int mr = Math.min(MR, mc - r0), d = dOff + r0 * kc;
            if (a.rowsContiguous() && mr == MR) {
                // four row streams in, one interleaved stream out
                for (int p = 0, i0 = a.index(r0, 0), i1 = a.index(r0 + 1, 0), i2 = a.index(r0 + 2, 0), i3 = a.index(r0 + 3, 0);
                     p < kc; p++, d += MR) {
                    dst[d] = src[i0 + p];
                    dst[d + 1] = src[i1 + p];
                    dst[d + 2] = src[i2 + p];
                    dst[d + 3] = src[i3 + p];
                }
            } else {
                // a transposed A (each column's MR values adjacent in storage, so this reads in order too) or the last strip
                int rs = a.rowStride();
                for (int p = 0; p < kc; p++, d += MR) {
                    int s = a.index(r0, p), r = 0;
                    for (; r < mr; r++, s += rs) dst[d + r] = src[s];
                    for (; r < MR; r++) dst[d + r] = 0f;
                }
            }
        }
    }

    /**
     * Copies the NR-wide column strips {@code [from, to)} of the {@code kc x n} block of B starting at
     * its element (0, 0) into {@code dst}: strip s becomes the {@code kc x NR} row-major panel at
     * {@code s * kc * NR}, with zeros in the columns past n.
     */
    static void packB(Operand b, int kc, int n, int from, int to, float[] dst) {
        float[] src = b.data();
        for (int s = from; s < to; s++) {
            int j0 = s * NR, nr = Math.min(NR, n - j0), d = s * kc * NR;
            if (b.rowsContiguous() && nr == NR) {
                // Two vector moves a row: an arraycopy call costs more than the 64 bytes it would move.
                for (int p = 0, i = b.index(0, j0), rs = b.rowStride(); p < kc; p++, i += rs) {
                    FloatVector.fromArray(F, src, i).intoArray(dst, d + p * NR);
                    FloatVector.fromArray(F, src, i + L).intoArray(dst, d + p * NR + L);
                }
            } else {
                int cs = b.colStride();
                for (int p = 0; p < kc; p++) {
                    int row = d + p * NR;
                    for (int j = 0, i = b.index(p, j0); j < nr; j++, i += cs) dst[row + j] = src[i];
                    for (int j = nr; j < NR; j++) dst[row + j] = 0f;
                }
            }
        }
    }
}
