package mdlora.tensor.cpu;

import static mdlora.tensor.cpu.VectorMath.F;

import jdk.incubator.vector.FloatVector;

/**
 * The register tile of the matrix multiply: an {@link #MR} x {@link #NR} block of C accumulated in
 * eight vector registers by rank-1 FMA updates, one per step along k.
 *
 * <p>Why 4 x (2 vectors): C2 schedules every broadcast of A ahead of the FMAs that use it, so a tile
 * of MR rows and V vectors needs MR*V accumulators + V loads of B + MR broadcasts live at once. On
 * AVX2's 16 registers only 4 x 2 (14 live) fits; 6 x 2 and 4 x 3 spill an accumulator to the stack
 * every step and run at less than half speed. C2 does not unroll the loop (its body is past
 * LoopUnrollLimit), and unrolling it by hand makes C2 hoist twice the broadcasts, which spills too.
 *
 * <p>Why A comes packed k-major (the MR values of one step adjacent): a step is 8 FMAs, which the two
 * FMA pipes retire in 4 cycles, and everything else must issue in the same 4 cycles' slots (6 a
 * cycle on Zen 3). With A's MR rows as four streams every broadcast needs its own address
 * computation (the row stride is not a constant), 24 instructions a step, which leaves the core no
 * slack; from one k-major strip the four broadcasts share one address with constant displacements,
 * and the kernel runs 7-20% faster in the full product (more the shorter k is).
 *
 * <p>Every index is the loop counter times a constant plus an invariant, so C2 hoists all bounds
 * checks out of the loop; with strides passed in as variables it keeps six checks and two multiplies
 * per step and loses a third of the speed.
 *
 * <p>Why two kernels that differ only in how they index A: narrow products read A in place (packing,
 * a transposing copy, would cost them a quarter of their time), and neither shape of A can be indexed
 * through the other's constants. One kernel choosing its indexing by a flag inside the loop, which C2
 * unswitches, ran narrow products 8-21% slower. Their stores cannot be shared either: a method C2 does
 * not inline boxes every vector passed to it, one allocation per vector per tile.
 */
final class MicroKernel {
    private static final int L = F.length();
    /** Rows of the register tile. */
    static final int MR = 4;
    /** Columns of the register tile: two vectors. */
    static final int NR = 2 * L;

    private MicroKernel() {}

    /**
     * {@code C[0:mr, 0:nr] = alpha * A B + beta * C} for the packed {@code kc x MR} strip of A at
     * {@code ai} (step p's MR values at {@code ai + p * MR}) and the packed {@code kc x NR} panel of B at
     * {@code bi}. Rows of the strip past {@code mr} and columns of the panel past {@code nr} are
     * computed but never stored. With {@code beta == 0} C is not read at all, so garbage (NaN) in it is
     * overwritten. {@code tile} is scratch of {@code MR * NR} floats.
     */
    static void multiplyPacked(int kc, float[] a, int ai, float[] b, int bi,
                               float alpha, float beta, float[] c, int ci, int ldc, int mr, int nr, float[] tile) {
        FloatVector c00 = FloatVector.zero(F), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        for (int p = 0; p < kc; p++) {
            int ap = ai + p * MR, bp = bi + p * NR;
            FloatVector b0 = FloatVector.fromArray(F, b, bp), b1 = FloatVector.fromArray(F, b, bp + L);
            FloatVector x = FloatVector.broadcast(F, a[ap]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(F, a[ap + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(F, a[ap + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(F, a[ap + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
        }
        if (mr == MR && nr == NR) {
            update(c00, c, ci, alpha, beta);
            update(c01, c, ci + L, alpha, beta);
            update(c10, c, ci + ldc, alpha, beta);
            update(c11, c, ci + ldc + L, alpha, beta);
            update(c20, c, ci + 2 * ldc, alpha, beta);
            update(c21, c, ci + 2 * ldc + L, alpha, beta);
            update(c30, c, ci + 3 * ldc, alpha, beta);
            update(c31, c, ci + 3 * ldc + L, alpha, beta);
            return;
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, L);
        c10.intoArray(tile, NR);
        c11.intoArray(tile, NR + L);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + L);
        storeEdge(tile, alpha, beta, c, ci, ldc, mr, nr);
    }

    /**
     * {@link #multiplyPacked} with A read in place: its MR rows start at {@code ai}, {@code ai + lda}, ...
     * (rows past {@code mr} are not read; the first stands in for them). For products with few panels of
     * B, where packing A, a transposing copy, would cost a quarter of the product. The same FMA chain as
     * the packed kernel, so the two give the same bits.
     */
    static void multiplyInPlace(int kc, float[] a, int ai, int lda, float[] b, int bi,
                                float alpha, float beta, float[] c, int ci, int ldc, int mr, int nr, float[] tile) {
        int a0 = ai, a1 = mr > 1 ? ai + lda : ai, a2 = mr > 2 ? ai + 2 * lda : ai, a3 = mr > 3 ? ai + 3 * lda : ai;
        FloatVector c00 = FloatVector.zero(F), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        for (int p = 0; p < kc; p++) {
            int bp = bi + p * NR;
            FloatVector b0 = FloatVector.fromArray(F, b, bp), b1 = FloatVector.fromArray(F, b, bp + L);
            FloatVector x = FloatVector.broadcast(F, a[a0 + p]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(F, a[a1 + p]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(F, a[a2 + p]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(F, a[a3 + p]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
        }
        if (mr == MR && nr == NR) {
            update(c00, c, ci, alpha, beta);
            update(c01, c, ci + L, alpha, beta);
            update(c10, c, ci + ldc, alpha, beta);
            update(c11, c, ci + ldc + L, alpha, beta);
            update(c20, c, ci + 2 * ldc, alpha, beta);
            update(c21, c, ci + 2 * ldc + L, alpha, beta);
            update(c30, c, ci + 3 * ldc, alpha, beta);
            update(c31, c, ci + 3 * ldc + L, alpha, beta);
            return;
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, L);
        c10.intoArray(tile, NR);
        c11.intoArray(tile, NR + L);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + L);
        storeEdge(tile, alpha, beta, c, ci, ldc, mr, nr);
    }

    /**
     * {@code C[0:mr, 0:nr] = fma(C, beta, alpha * tile)} element by element, for a tile cut by the edge of C.
     * The kernels store whole tiles from registers themselves: through the scratch tile they ran 10-25% slower.
     */
    private static void storeEdge(float[] tile, float alpha, float beta, float[] c, int ci, int ldc, int mr, int nr) {
        for (int r = 0; r < mr; r++)
            for (int j = 0; j < nr; j++) {
                int i = ci + r * ldc + j;
                float ab = alpha * tile[r * NR + j];
                c[i] = beta == 0f ? ab : Math.fma(c[i], beta, ab);
            }
    }

    /** The vector twin of {@link #storeEdge}, with the same rounding: {@code fma(C, beta, alpha * acc)}. */
    private static void update(FloatVector acc, float[] c, int i, float alpha, float beta) {
        FloatVector ab = acc.mul(alpha);
        if (beta != 0f) ab = FloatVector.fromArray(F, c, i).fma(FloatVector.broadcast(F, beta), ab);
        ab.intoArray(c, i);
    }
}
