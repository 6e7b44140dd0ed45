package mdlora.tensor.cpu;

import static mdlora.tensor.cpu.MicroKernel.MR;
import static mdlora.tensor.cpu.MicroKernel.NR;

/**
 * One product on the calling thread, cut into cache-sized blocks (the BLIS loop nest): a {@code KC x NC}
 * block of B is packed once and stays in L3, an {@code MC x KC} block of A is packed into L2, and the
 * micro-kernel sweeps {@code MR}-row strips of A past one {@code NR}-column panel of B that sits in L1.
 * Sizes are for Zen 3 (32 KB L1d, 512 KB L2): the B panel is 16 KB, the A block 128 KB.
 *
 * <p>Every element of C is one FMA chain along each k-block, k-blocks in order, whatever part of C a
 * call covers and whether operands are packed, so splitting a product over threads changes no bit.
 */
final class BlockedGemm {
    static final int KC = 256;
    static final int MC = 32 * MR;
    static final int NC = 64 * NR;
    /**
     * An operand is read in place rather than packed when the other side of the product is at most this
     * long: it is then reused too few times to repay the copy (attention and LoRA-rank products).
     */
    static final int DIRECT_LIMIT = 64;

    /** Pack buffers, one set per thread, grown on demand so a steady state allocates nothing. */
    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    private BlockedGemm() {}

    /** Which operands to pack; decided from the whole product's shape so that every slice of it follows one plan. */
    record Plan(boolean packA, boolean packB) {
        static Plan of(int m, int n, Operand b) {
            return new Plan(n > DIRECT_LIMIT, m > DIRECT_LIMIT || !b.rowsContiguous());
        }
    }

    /** {@code C = alpha * A B + beta * C} for the {@code m x n x k} product whose corners are a, b and {@code c[cOff]}. */
    static void multiply(Plan plan, Operand a, Operand b, int m, int n, int k, float alpha, float beta,
                         float[] c, int cOff, int ldc) {
        Buffers buf = BUFFERS.get();
        int kBlocks = Math.ceilDiv(k, KC);
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc), strips = Math.ceilDiv(nc, NR);
            // A partial strip cannot be read in place (its last vector would run past B's row), so it is always packed.
            int packedFrom = plan.packB() ? 0 : nc / NR;
            for (int kb = 0; kb < kBlocks; kb++) {
                int p0 = (int) ((long) k * kb / kBlocks), kc = (int) ((long) k * (kb + 1) / kBlocks) - p0;
                float betaK = kb == 0 ? beta : 1f;
                float[] packedB = buf.b((strips - packedFrom) * kc * NR);
                Packing.packB(b.at(p0, jc), kc, nc, packedFrom, strips, packedB);
                for (int ic = 0; ic < m; ic += MC) {
                    int mc = Math.min(MC, m - ic);
                    Operand ab = plan.packA() ? Packing.packA(a.at(ic, p0), mc, kc, buf.a(mc * kc)) : a.at(ic, p0);
                    for (int s = 0; s < strips; s++) {
                        int jr = s * NR, nr = Math.min(NR, nc - jr);
                        boolean packed = s >= packedFrom;
                        float[] bd = packed ? packedB : b.data();
                        int bi = packed ? (s - packedFrom) * kc * NR : b.index(p0, jc + jr);
                        int brs = packed ? NR : b.rowStride();
                        for (int ir = 0; ir < mc; ir += MR)
                            MicroKernel.multiply(kc, ab.data(), ab.index(ir, 0), ab.rowStride(), ab.colStride(), bd, bi, brs,
                                    alpha, betaK, c, cOff + (ic + ir) * ldc + jc + jr, ldc, Math.min(MR, mc - ir), nr, buf.tile);
                    }
                }
            }
        }
    }

    private static final class Buffers {
        final float[] tile = new float[MR * NR];
        private float[] a = new float[0], b = new float[0];

        float[] a(int size) {
            if (a.length < size) a = new float[Math.max(size, MC * KC)];
            return a;
        }

        float[] b(int size) {
            if (b.length < size) b = new float[size];
            return b;
        }
    }
}
