package mdlora.tensor.cpu;

import static mdlora.tensor.cpu.MicroKernel.MR;
import static mdlora.tensor.cpu.MicroKernel.NR;

/**
 * One product on the calling thread, cut into cache-sized blocks (the BLIS loop nest): a {@code KC x NC}
 * block of B is packed once and stays in L3, an {@code MC x KC} block of A is packed into L2, and the
 * micro-kernel sweeps {@code MR}-row strips of A past one {@code KC x NR} panel of B.
 *
 * <p>Sizes are for Zen 3 (32 KB L1d, 512 KB L2): the A block is 128 KB and a B panel 64 KB, both in L2.
 * KC is four times BLIS's 256, which would keep the B panel in L1, because Java cannot prefetch:
 * each k-block ends by reading the tile's rows of C, which miss the cache and stall the core, so
 * fewer, longer k-blocks stall less (C's share of the time went from ~20% at 256 to under 2%), and
 * L2 feeds the kernel's two B loads a step without slowing it.
 *
 * <p>Every element of C is one FMA chain along each k-block, k-blocks in order, whatever part of C a
 * call covers and whether operands are packed, so splitting a product over threads changes no bit.
 */
final class BlockedGemm {
    static final int KC = 1024;
    static final int MC = 8 * MR;
    static final int NC = 32 * NR;
    /**
     * A is read in place rather than packed when n is at most this: it is then reused by too few
     * panels of B to repay the copy (attention and LoRA-rank products).
     */
    static final int DIRECT_LIMIT = 128;

    /** Pack buffers, one set per thread, grown on demand so a steady state allocates nothing. */
    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    private BlockedGemm() {}

    /**
     * Whether A is packed; decided from the whole product's shape so that every slice of it follows the
     * same plan. B is always packed: the kernel needs its panels, and they are reused by every strip of A.
     */
    static boolean packsA(int n, Operand a) {
        return n > DIRECT_LIMIT || !a.rowsContiguous();
    }

    /** {@code C = alpha * A B + beta * C} for the {@code m x n x k} product whose corners are a, b and {@code c[cOff]}. */
    static void multiply(boolean packA, Operand a, Operand b, int m, int n, int k, float alpha, float beta,
                         float[] c, int cOff, int ldc) {
        Buffers buf = BUFFERS.get();
        int kBlocks = Math.ceilDiv(k, KC);
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            for (int kb = 0; kb < kBlocks; kb++) {
                int p0 = (int) ((long) k * kb / kBlocks), kc = (int) ((long) k * (kb + 1) / kBlocks) - p0;
                float betaK = kb == 0 ? beta : 1f;
                float[] panels = buf.b(Math.ceilDiv(nc, NR) * kc * NR);
                Packing.packB(b.at(p0, jc), kc, nc, panels);
                for (int ic = 0; ic < m; ic += MC) {
                    int mc = Math.min(MC, m - ic);
                    Operand block = packA ? Packing.packA(a.at(ic, p0), mc, kc, buf.a(mc * kc)) : a.at(ic, p0);
                    for (int jr = 0; jr < nc; jr += NR)
                        for (int ir = 0; ir < mc; ir += MR)
                            MicroKernel.multiply(kc, block.data(), block.index(ir, 0), block.rowStride(), panels, jr * kc,
                                    alpha, betaK, c, cOff + (ic + ir) * ldc + jc + jr, ldc,
                                    Math.min(MR, mc - ir), Math.min(NR, nc - jr), buf.tile);
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
