package mdlora.tensor.cpu;

import static mdlora.tensor.cpu.MicroKernel.NR;
import static mdlora.tensor.cpu.VectorMath.F;

import jdk.incubator.vector.FloatVector;

/**
 * Copies blocks of the operands into the layouts the micro-kernel streams through: A as a row-major
 * block, B as {@code kc x NR} panels. Reading through strides makes transposition part of the copy.
 */
final class Packing {
    private static final int L = F.length();

    private Packing() {}

    /**
     * Copies the {@code mc x kc} block of A starting at its element (0, 0) into {@code dst} at {@code dOff},
     * row-major with leading dimension kc, and returns that copy as an operand.
     */
    static Operand packA(Operand a, int mc, int kc, float[] dst, int dOff) {
        float[] src = a.data();
        if (a.rowsContiguous()) {
            for (int i = 0; i < mc; i++) System.arraycopy(src, a.index(i, 0), dst, dOff + i * kc, kc);
        } else {
            // A is transposed in storage: walk its stored rows (columns of op(A)) so reads stay sequential.
            int rs = a.rowStride();
            for (int p = 0; p < kc; p++)
                for (int i = 0, s = a.index(0, p); i < mc; i++, s += rs) dst[dOff + i * kc + p] = src[s];
        }
        return new Operand(dst, dOff, kc, 1);
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
