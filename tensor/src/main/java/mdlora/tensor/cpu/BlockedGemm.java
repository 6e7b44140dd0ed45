package mdlora.tensor.cpu;

import static mdlora.tensor.cpu.MicroKernel.MR;
import static mdlora.tensor.cpu.MicroKernel.NR;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import mdlora.tensor.Parallel;

/**
 * One product cut into cache-sized blocks (the BLIS loop nest): each k-block of A is packed once (or read
 * in place, for a narrow product), a {@code KC x NC} block of B is packed and stays in L3, and the
 * micro-kernel sweeps the {@code MR}-row strips of an {@code MC x KC} block of A past one {@code KC x NR}
 * panel of B.
 *
 * <p>Sizes are for Zen 3 (32 KB L1d, 512 KB L2): the A block is 128 KB and a B panel 64 KB, both in L2.
 * KC is four times BLIS's 256, which would keep the B panel in L1, because Java cannot prefetch:
 * each k-block ends by reading the tile's rows of C, which miss the cache and stall the core, so
 * fewer, longer k-blocks stall less (C's share of the time went from ~20% at 256 to under 2%), and
 * L2 feeds the kernel's two B loads a step without slowing it.
 *
 * <p>Every element of C is one FMA chain along each k-block, k-blocks in order, whichever thread
 * computes it, so splitting a product over threads changes no bit.
 */
final class BlockedGemm {
    static final int KC = 1024;
    static final int MC = 8 * MR;
    static final int NC = 32 * NR;
    /**
     * A is read in place rather than packed when n is at most this: it is then reused by too few panels of B
     * to repay the transposing copy (LoRA-rank products).
     */
    static final int DIRECT_LIMIT = 128;
    /**
     * Up to this many MC-row blocks of A (m <= 128: the LoRA factors' gradients), a product is split by panels of
     * B alone, each packed by the thread that uses it (see {@link #multiply}).
     */
    static final int FEW_A_BLOCKS = 4;

    /**
     * Pack buffers, one set per thread, grown on demand so a steady state allocates nothing. A's holds a whole
     * k-block of the largest product the thread has run: 52 MB for ViT-B at 8 clips x 8 frames.
     */
    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    private BlockedGemm() {}

    /**
     * Whether A is packed; decided from the whole product's shape so that every slice of it follows the
     * same plan. B is always packed: the kernel needs its panels, and they are reused by every strip of A.
     */
    static boolean packsA(int n, Operand a) {
        return n > DIRECT_LIMIT || !a.rowsContiguous();
    }

    /**
     * {@code C = alpha * A B + beta * C} for the {@code m x n x k} product whose corners are a, b and
     * {@code c[cOff]}, on up to {@code threads} of the pool. The threads share each packed block of B
     * and take (A block, group of B panels) pieces from a counter; when A has few blocks, a piece is one
     * panel of B, packed by the thread that sweeps all of A past it.
     */
    static void multiply(boolean packA, Operand a, Operand b, int m, int n, int k, float alpha, float beta,
                         float[] c, int cOff, int ldc, float[] bias, int biasOff, int threads) {
        int kBlocks = Math.ceilDiv(k, KC), aBlocks = Math.ceilDiv(m, MC);
        int kcMax = Math.ceilDiv(k, kBlocks);
        Buffers buf = BUFFERS.get();
        float[] panels = buf.b(Math.ceilDiv(Math.min(n, NC), NR) * NR * kcMax);
        float[] packedA = packA ? buf.a(aBlocks * MC * kcMax) : null;
        for (int kb = 0; kb < kBlocks; kb++) {
            int p0 = (int) ((long) k * kb / kBlocks), kc = (int) ((long) k * (kb + 1) / kBlocks) - p0;
            float betaK = kb == 0 ? beta : 1f;
            // the bias joins the last k-block's stores, when each element of C is final
            float[] biasK = kb == kBlocks - 1 ? bias : null;
            // A is packed once a k-block, not once for each block of B's columns: the packing transposes, so it costs.
            if (packA)
                Parallel.range(aBlocks, threads == 1 ? aBlocks : 1, (s, e) -> {
                    for (int ib = s; ib < e; ib++) Packing.packA(a.at(ib * MC, p0), Math.min(MC, m - ib * MC), kc, packedA, ib * MC * kc);
                });
            Operand aBlock = packA ? null : a.at(0, p0);
            for (int jc = 0; jc < n; jc += NC) {
                int nc = Math.min(NC, n - jc), strips = Math.ceilDiv(nc, NR), col = jc;
                Operand bBlock = b.at(p0, jc);
                if (aBlocks <= FEW_A_BLOCKS) {
                    // Few strips of A reuse each panel: the thread that packs a panel sweeps all of A past it, so
                    // no packed panel crosses to the other core's cache (packing them all first, split in halves,
                    // ran these products no faster on two threads than on one).
                    runPieces(strips, threads, s -> {
                        Packing.packB(bBlock, kc, nc, s, s + 1, panels);
                        for (int ic = 0; ic < m; ic += MC) {
                            Operand block = packA ? new Operand(packedA, ic * kc, MR, 1) : aBlock.at(ic, 0);
                            sweep(packA, block, Math.min(MC, m - ic), kc, panels, s, s + 1, nc,
                                    alpha, betaK, c, cOff + ic * ldc + col, ldc, biasK, biasOff + col);
                        }
                    });
                    continue;
                }
                // Enough pieces that the counter can even out the threads, few enough that each sweeps a long run.
                int groups = threads == 1 ? 1 : Math.min(strips, Math.ceilDiv(4 * threads, aBlocks));
                Parallel.range(strips, threads == 1 ? strips : 1, (s, e) -> Packing.packB(bBlock, kc, nc, s, e, panels));
                runPieces(aBlocks * groups, threads, u -> {
                    int ic = u / groups * MC, g = u % groups;
                    Operand block = packA ? new Operand(packedA, ic * kc, MR, 1) : aBlock.at(ic, 0);
                    sweep(packA, block, Math.min(MC, m - ic), kc, panels, strips * g / groups, strips * (g + 1) / groups, nc,
                            alpha, betaK, c, cOff + ic * ldc + col, ldc, biasK, biasOff + col);
                });
            }
        }
    }

    /**
     * Runs {@code piece(u)} for u in {@code [0, pieces)} on up to {@code threads} threads, each taking the next
     * piece from a counter rather than a fixed share, so a thread slowed by a busy core does less of the work
     * instead of holding up the end.
     */
    private static void runPieces(int pieces, int threads, IntConsumer piece) {
        if (threads == 1) {
            for (int u = 0; u < pieces; u++) piece.accept(u);
            return;
        }
        AtomicInteger next = new AtomicInteger();
        Parallel.range(threads, 1, (s, e) -> {
            for (int u; (u = next.getAndIncrement()) < pieces; ) piece.accept(u);
        });
    }

    /**
     * The micro-kernel over one {@code mc x kc} block of A and the packed B panels {@code [from, to)}; the block
     * is packed strips from {@code block}'s offset when {@code packed}, else A itself, read in place.
     * {@code bias} (or null) holds the block's column biases from {@code biasOff}.
     */
    private static void sweep(boolean packed, Operand block, int mc, int kc, float[] panels, int from, int to, int nc,
                              float alpha, float beta, float[] c, int cOff, int ldc, float[] bias, int biasOff) {
        float[] tile = BUFFERS.get().tile;
        for (int s = from; s < to; s++) {
            int jr = s * NR, nr = Math.min(NR, nc - jr);
            for (int ir = 0; ir < mc; ir += MR) {
                int ci = cOff + ir * ldc + jr, mr = Math.min(MR, mc - ir);
                if (packed)
                    MicroKernel.multiplyPacked(kc, block.data(), block.offset() + ir * kc, panels, s * kc * NR, alpha, beta, c, ci, ldc, mr, nr, tile);
                else
                    MicroKernel.multiplyInPlace(kc, block.data(), block.index(ir, 0), block.rowStride(), panels, s * kc * NR,
                            alpha, beta, c, ci, ldc, mr, nr, tile);
                // the tile is still in L1: the bias costs no pass over C (the same axpy a separate pass would run)
                if (bias != null) for (int r = 0; r < mr; r++) Elementwise.axpy(nr, 1f, bias, biasOff + jr, 1, c, ci + r * ldc, 1);
            }
        }
    }

    private static final class Buffers {
        final float[] tile = new float[MR * NR];
        private float[] a = new float[0], b = new float[0];

        float[] a(int size) {
            if (a.length < size) a = new float[size];
            return a;
        }

        float[] b(int size) {
            if (b.length < size) b = new float[size];
            return b;
        }
    }
}
