package mdlora.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MatmulTest {
    private final Rng rng = new Rng(11);

    /** The product of the last two axes of contiguous copies, batch axes already equal, summed in double. */
    private static Tensor reference(Tensor a, Tensor b) {
        float[] x = a.contiguousData(), y = b.contiguousData();
        int m = a.size(-2), k = a.size(-1), n = b.size(-1), batch = a.numel() / (m * k);
        float[] out = new float[batch * m * n];
        for (int p = 0; p < batch; p++)
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int q = 0; q < k; q++) s += (double) x[p * m * k + i * k + q] * y[p * k * n + q * n + j];
                    out[p * m * n + i * n + j] = (float) s;
                }
        int[] shape = a.shape().clone();
        shape[shape.length - 1] = n;
        return Tensor.of(out, shape);
    }

    private static void assertClose(Tensor want, Tensor got) {
        assertArrayEquals(want.shape(), got.shape(), "shape");
        assertArrayEquals(want.toArray(), got.toArray(), 1e-4f);
    }

    @Test
    void vectorOperandsDropTheirAxis() {
        Tensor v = Tensor.of(new float[] {1, 2, 3}, 3), w = Tensor.of(new float[] {4, 5, 6}, 3);
        Tensor m = Tensor.of(new float[] {1, 0, 2, 1, 0, 1}, 3, 2);
        Tensor dot = v.matmul(w);
        assertEquals(0, dot.rank());
        assertEquals(32f, dot.item());
        assertClose(Tensor.of(new float[] {5, 5}, 2), v.matmul(m));
        assertClose(Tensor.of(new float[] {1, 2, 0}, 3), m.matmul(Tensor.of(new float[] {1, 0}, 2)));
    }

    @Test
    void batchAxesBroadcast() {
        Tensor a = rng.normal(0, 1, 2, 1, 3, 4), b = rng.normal(0, 1, 5, 4, 6);
        Tensor got = a.matmul(b);
        assertArrayEquals(new int[] {2, 5, 3, 6}, got.shape());
        assertClose(reference(a.expand(2, 5, 3, 4), b.expand(2, 5, 4, 6)), got);
        Tensor w = rng.normal(0, 1, 4, 7);
        assertClose(reference(a.expand(2, 1, 3, 4), w.expand(2, 1, 4, 7)), a.matmul(w));
        Tensor gapped = rng.normal(0, 1, 2, 5, 4).slice(1, 1, 4);   // matrices 20 floats apart, 12 long
        assertClose(reference(gapped.contiguous(), w.expand(2, 4, 7)), gapped.matmul(w));
        Tensor shared = rng.normal(0, 1, 3, 4);                      // one A for every B
        assertClose(reference(shared.expand(5, 3, 4), b), shared.matmul(b));
    }

    @Test
    void transposedSlicedAndPermutedViewsAreReadInPlace() {
        Tensor a = rng.normal(0, 1, 9, 17), b = rng.normal(0, 1, 17, 20);
        Tensor at = a.mT().contiguous().mT(), bt = b.mT().contiguous().mT();
        assertTrue(!at.isContiguous() && !bt.isContiguous());
        Tensor want = reference(a, b);
        assertClose(want, at.matmul(b));
        assertClose(want, a.matmul(bt));
        assertClose(want, at.matmul(bt));

        Tensor wide = rng.normal(0, 1, 12, 30);
        Tensor rows = wide.slice(0, 2, 11).slice(1, 5, 22);   // 9 x 17, row stride 30
        assertClose(reference(rows.contiguous(), b), rows.matmul(b));

        // Attention's layout: [batch, tokens, heads, dim] permuted to [batch, heads, tokens, dim].
        Tensor q = rng.normal(0, 1, 2, 5, 3, 4).permute(0, 2, 1, 3), k = rng.normal(0, 1, 2, 5, 3, 4).permute(0, 2, 3, 1);
        assertClose(reference(q.contiguous(), k.contiguous()), q.matmul(k));

        Tensor columns = rng.normal(0, 1, 17, 2, 9).permute(2, 0, 1).select(2, 1);   // 9 x 17, strides (1, 18), offset 9
        assertClose(reference(columns.contiguous(), b), columns.matmul(b));
        // Neither axis has unit stride: the layout falls back to a copy.
        Tensor skew = rng.normal(0, 1, 9, 2, 17, 2).select(3, 0).select(1, 1);     // 9 x 17, strides (68, 2)
        assertClose(reference(skew.contiguous(), b), skew.matmul(b));
    }

    @Test
    void emptyAxesGiveZerosOrEmptyResults() {
        Tensor zeros = Tensor.zeros(2, 0).matmul(Tensor.zeros(0, 3));
        assertClose(Tensor.zeros(2, 3), zeros);
        assertArrayEquals(new int[] {0, 5}, Tensor.zeros(0, 4).matmul(Tensor.zeros(4, 5)).shape());
    }

    @Test
    void linearEqualsTheProductThenTheBiasBitForBit() {
        // a weight read transposed in place, a sliced input and a strided bias view all go through the one product
        Tensor x = rng.normal(0, 1, 70, 40), w = rng.normal(0, 1, 90, 40), b = rng.normal(0, 1, 2, 90);
        Backend be = Backend.current();
        for (Tensor in : new Tensor[] {x, x.slice(1, 3, 33)}) {
            Tensor weight = w.slice(1, 0, in.size(1)), bias = b.select(0, 1);
            Tensor apart = in.matmul(weight.mT()).addInPlace(bias);
            assertArrayEquals(apart.toArray(), be.linear(in, weight, bias).toArray(), 0f);
            assertArrayEquals(in.matmul(weight.mT()).toArray(), be.linear(in, weight, null).toArray(), 0f);
        }
        var e = assertThrows(IllegalArgumentException.class, () -> be.linear(x, w, Tensor.zeros(4)));
        assertTrue(e.getMessage().contains("bias [4]"), e.getMessage());
    }

    @Test
    void mismatchedShapesNameBoth() {
        var e = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, 3).matmul(Tensor.zeros(4, 5)));
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4, 5]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, 3, 4).matmul(Tensor.zeros(3, 4, 5)));
        assertTrue(e.getMessage().contains("[2, 3, 4]") && e.getMessage().contains("[3, 4, 5]"), e.getMessage());
    }
}
