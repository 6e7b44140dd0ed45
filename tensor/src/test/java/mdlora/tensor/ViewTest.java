package mdlora.tensor;

import static mdlora.tensor.Reference.assertClose;
import static mdlora.tensor.Reference.at;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Views read the right elements and share storage; reshape, concat and stack; layout errors are named. */
class ViewTest {
    private final RandomTensors r = new RandomTensors(500);

    /** Asserts {@code view} shares {@code base}'s storage: a write through the view is seen by the base. */
    private static void assertShares(Tensor base, Tensor view) {
        assertSame(base.storage(), view.storage());
        if (view.numel() == 0) return;
        int[] first = new int[view.rank()];
        float old = view.get(first);
        view.set(old + 1, first);
        assertTrue(Arrays.equals(base.storage(), view.storage()) && view.storage()[view.offset()] == old + 1);
        view.set(old, first);
    }

    @Test
    void permuteTransposeAndMatrixTranspose() {
        for (int c = 0; c < 40; c++) {
            int[] shape = r.shape(4, 3000);
            Tensor x = r.tensor(shape, r.normal(1));
            int[] order = r.permutation(shape.length);
            Tensor p = x.permute(order);
            int[] pshape = p.shape();
            double[] expected = new double[x.numel()];
            int[] k = {0};
            Reference.forEachIndex(pshape, idx -> {
                int[] src = new int[idx.length];
                for (int i = 0; i < idx.length; i++) src[order[i]] = idx[i];
                expected[k[0]++] = at(x, src);
            });
            assertClose(expected, p, pshape, 0, 0, "permute " + Arrays.toString(order));
            assertClose(expected, p.contiguous(), pshape, 0, 0, "contiguous permute");
            assertShares(x, p);
            if (shape.length >= 2) {
                assertClose(Reference.values(x.transpose(0, -1).transpose(-1, 0)), x, shape, 0, 0, "transpose twice");
                assertArrayEquals(x.transpose(-2, -1).shape(), x.mT().shape());
                assertClose(Reference.values(x.transpose(-2, -1)), x.mT(), x.mT().shape(), 0, 0, "mT");
            }
        }
        var e = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, 3).permute(0, 0));
        assertTrue(e.getMessage().contains("repeats"), e.getMessage());
    }

    @Test
    void sliceSelectSqueezeUnsqueeze() {
        Tensor base = Tensor.arange(60).reshape(3, 4, 5);
        Tensor s = base.slice(1, 1, 3);
        assertArrayEquals(new int[] {3, 2, 5}, s.shape());
        assertEquals(5 + 2, s.get(0, 0, 2));
        assertEquals(40 + 10 + 4, s.get(2, 1, 4));
        assertShares(base, s);
        Tensor sel = base.select(2, 3);
        assertArrayEquals(new int[] {3, 4}, sel.shape());
        assertEquals(20 + 10 + 3, sel.get(1, 2));
        assertShares(base, sel);
        Tensor u = sel.unsqueeze(1);
        assertArrayEquals(new int[] {3, 1, 4}, u.shape());
        assertEquals(sel.get(2, 3), u.get(2, 0, 3));
        assertArrayEquals(new int[] {3, 4, 1}, sel.unsqueeze(-1).shape());
        assertClose(Reference.values(sel), u.squeeze(1), new int[] {3, 4}, 0, 0, "squeeze");
        assertShares(base, u);
        assertThrows(IndexOutOfBoundsException.class, () -> base.slice(0, 2, 4));
        assertThrows(IndexOutOfBoundsException.class, () -> base.select(1, 4));
        var e = assertThrows(IllegalArgumentException.class, () -> base.squeeze(0));
        assertTrue(e.getMessage().contains("not 1"), e.getMessage());
        assertArrayEquals(new int[] {3, 0, 5}, base.slice(1, 2, 2).shape());
    }

    @Test
    void hasNonFiniteLooksOnlyAtTheView() {
        Tensor base = Tensor.arange(12).reshape(3, 4);
        base.storage()[base.offset() + 5] = Float.NaN;
        assertTrue(base.hasNonFinite());
        assertFalse(base.slice(0, 2, 3).hasNonFinite(), "the NaN sits in row 1, outside this contiguous view");
        assertFalse(base.slice(1, 2, 4).hasNonFinite(), "nor in columns 2-3 (a strided view)");
        base.storage()[base.offset() + 11] = Float.NEGATIVE_INFINITY;
        assertTrue(base.slice(0, 2, 3).hasNonFinite());
        assertTrue(base.mT().slice(0, 3, 4).hasNonFinite(), "a transposed view sees it too");
    }

    @Test
    void expandBroadcastsWithoutCopying() {
        Tensor col = Tensor.of(new float[] {1, 2, 3}, 3, 1);
        Tensor e = col.expand(2, 3, 4);
        assertArrayEquals(new int[] {0, 1, 0}, e.strides());
        assertEquals(3f, e.get(1, 2, 3));
        assertShares(col, e);
        assertEquals(24, e.contiguous().numel());
        var ex = assertThrows(IllegalArgumentException.class, () -> col.expand(2, 4));
        assertTrue(ex.getMessage().contains("[3, 1]") && ex.getMessage().contains("[2, 4]"), ex.getMessage());
        assertThrows(IllegalArgumentException.class, () -> col.expand(1));
        assertThrows(IllegalArgumentException.class, () -> col.expand(-2, 3, 1));
    }

    @Test
    void reshapeOfContiguousIsAView() {
        Tensor x = Tensor.arange(24);
        Tensor v = x.reshape(2, -1, 4);
        assertArrayEquals(new int[] {2, 3, 4}, v.shape());
        assertShares(x, v);
        assertArrayEquals(new int[] {6, 4}, v.flatten(0, 1).shape());
        assertArrayEquals(new int[] {24}, v.flatten(0, -1).shape());
        assertArrayEquals(new int[] {0, 5}, Tensor.zeros(0, 10).reshape(-1, 5).shape());
    }

    @Test
    void reshapeOfAnyLayoutKeepsRowMajorOrder() {
        for (int c = 0; c < 60; c++) {
            int[] shape = r.shape(4, 3000);
            Tensor x = r.tensor(shape, r.normal(1));
            int[] target = factorize(x.numel()), request = target.clone();
            if (x.numel() > 0 && r.rng.nextInt(2) == 0) request[r.rng.nextInt(request.length)] = -1;
            Tensor y = x.reshape(request);
            assertClose(Reference.values(x), y, target, 0, 0, "reshape " + Shape.str(shape) + " to " + Shape.str(target));
            if (y.storage() == x.storage()) assertShares(x, y);
        }
    }

    @Test
    void reshapeCopiesOnlyWhenTheLayoutForbidsAView() {
        Tensor m = Tensor.arange(12).reshape(3, 4);
        Tensor t = m.mT().reshape(12);
        assertNotSame(m.storage(), t.storage());
        assertArrayEquals(new float[] {0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11}, t.toArray());
        Tensor columns = m.slice(1, 0, 2);
        assertShares(m, columns.reshape(3, 2, 1));
        assertShares(m, columns.reshape(3, 1, 2));
        assertShares(m, m.mT().reshape(2, 2, 3));
        assertNotSame(m.storage(), columns.reshape(6).storage());
        Tensor rows = m.slice(0, 1, 3);
        assertShares(m, rows.reshape(8));
        Tensor one = Tensor.of(new float[] {5}, 1);
        assertShares(one, one.expand(4, 3).reshape(2, 2, 3));
    }

    /** A random shape with this many elements. */
    private int[] factorize(int n) {
        if (n == 0) return new int[] {0, 3};
        int[] out = new int[0];
        int rest = n;
        for (int d = 2; d * d <= rest; d++) {
            while (rest % d == 0 && r.rng.nextInt(2) == 0) {
                out = Arrays.copyOf(out, out.length + 1);
                out[out.length - 1] = d;
                rest /= d;
            }
        }
        out = Arrays.copyOf(out, out.length + 1);
        out[out.length - 1] = rest;
        return out;
    }

    @Test
    void badReshapeNamesBothShapes() {
        var e = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, 3).reshape(4, 2));
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4, 2]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, 3).reshape(-1, -1));
        assertTrue(e.getMessage().contains("-1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, 3).reshape(4, -1));
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, 3).flatten(1, 0));
        e = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, 3).transpose(0, 2));
        assertTrue(e.getMessage().contains("axis 2"), e.getMessage());
    }

    @Test
    void concatAndStackInAnyLayout() {
        for (int c = 0; c < 40; c++) {
            int[] shape = r.shape(4, 1000);
            if (shape.length == 0) continue;
            int axis = r.rng.nextInt(shape.length);
            Tensor[] parts = new Tensor[1 + r.rng.nextInt(3)];
            for (int p = 0; p < parts.length; p++) {
                int[] s = shape.clone();
                s[axis] = r.rng.nextInt(4);
                parts[p] = r.tensor(s, r.normal(1));
            }
            Tensor cat = Tensor.concat(axis - (c % 2) * shape.length, parts);
            int[] outShape = shape.clone();
            outShape[axis] = Arrays.stream(parts).mapToInt(p -> p.size(axis)).sum();
            double[] expected = new double[Shape.numel(outShape)];
            int[] k = {0};
            Reference.forEachIndex(outShape, idx -> {
                int[] j = idx.clone();
                int p = 0;
                while (j[axis] >= parts[p].size(axis)) j[axis] -= parts[p++].size(axis);
                expected[k[0]++] = at(parts[p], j);
            });
            assertClose(expected, cat, outShape, 0, 0, "concat axis " + axis + " case " + c);

            Tensor[] same = new Tensor[parts.length];
            for (int p = 0; p < same.length; p++) same[p] = r.tensor(shape, r.normal(1));
            int at = r.rng.nextInt(shape.length + 1);
            Tensor st = Tensor.stack(at, same);
            for (int p = 0; p < same.length; p++) assertClose(Reference.values(same[p]), st.select(at, p), shape, 0, 0, "stack " + p);
        }
    }

    @Test
    void concatErrorsNameTheShapes() {
        var e = assertThrows(IllegalArgumentException.class, () -> Tensor.concat(0, Tensor.zeros(2, 3), Tensor.zeros(2, 4)));
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[2, 4]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tensor.concat(0, Tensor.zeros(2, 3), Tensor.zeros(3)));
        assertThrows(IllegalArgumentException.class, () -> Tensor.concat(0));
        assertThrows(IllegalArgumentException.class, () -> Tensor.stack(0, Tensor.zeros(2), Tensor.zeros(3)));
    }

    @Test
    void copiesAreExplicit() {
        for (int c = 0; c < 30; c++) {
            int[] shape = r.shape(4, 1000);
            Tensor x = r.tensor(shape, r.normal(1));
            Tensor contiguous = x.contiguous();
            assertTrue(contiguous.isContiguous());
            if (x.isContiguous()) assertSame(x, contiguous);
            Tensor copy = x.copy();
            assertNotSame(x.storage(), copy.storage());
            assertClose(Reference.values(x), copy, shape, 0, 0, "copy");
            assertArrayEquals(contiguous.toArray(), x.toArray());
            float[] flat = x.contiguousData();
            assertEquals(x.numel(), flat.length);
        }
    }

    @Test
    void copiesOfLargeTransposedViews() {
        Tensor m = r.rng.normal(0, 1, 70, 45);
        Tensor[] views = {m.mT(), m.slice(0, 3, 67).slice(1, 1, 40).mT(),
                r.rng.normal(0, 1, 3, 40, 2, 33).permute(2, 0, 3, 1), r.rng.normal(0, 1, 33, 5, 64).permute(1, 2, 0)};
        for (Tensor v : views) assertClose(Reference.values(v), v.contiguous(), v.shape(), 0, 0, "copy of " + Shape.str(v.strides()));
        Tensor target = Tensor.zeros(80, 50).slice(0, 5, 75).slice(1, 2, 47), source = r.rng.normal(0, 1, 45, 70).mT();
        target.copyFromInPlace(source);
        assertClose(Reference.values(source), target, source.shape(), 0, 0, "transposed copy into a slice");
    }

    @Test
    void emptyTensorsAreContiguous() {
        Tensor z = Tensor.zeros(3, 0, 2);
        assertTrue(z.isContiguous());
        assertArrayEquals(new int[] {0, 2}, z.reshape(0, 2).shape());
        assertEquals(0, z.transpose(0, 2).contiguous().numel());
        assertEquals(0, z.add(1f).numel());
    }

    @Test
    void elementAccessAndStorageViews() {
        Tensor x = Tensor.zeros(2, 3);
        x.set(5, 1, 2);
        assertEquals(5f, x.get(1, 2));
        assertEquals(5f, x.storage()[5]);
        assertThrows(IndexOutOfBoundsException.class, () -> x.get(2, 0));
        assertThrows(IllegalArgumentException.class, () -> x.get(1));
        assertEquals(5f, x.slice(0, 1, 2).slice(1, 2, 3).item());
        assertThrows(IllegalStateException.class, x::item);
        Tensor v = Tensor.view(x.storage(), 1, new int[] {2, 2}, new int[] {1, 3});
        assertEquals(x.get(1, 1), v.get(1, 0));
        var e = assertThrows(IllegalArgumentException.class, () -> Tensor.view(x.storage(), 3, new int[] {2, 2}, new int[] {3, 1}));
        assertTrue(e.getMessage().contains("outside"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tensor.of(new float[5], 2, 3));
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(-1, 2));
    }

    @Test
    void factoriesAndComparison() {
        assertArrayEquals(new float[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, Tensor.eye(3).toArray());
        assertArrayEquals(new float[] {0, 1, 2}, Tensor.arange(3).toArray());
        assertArrayEquals(new float[] {2.5f, 2.5f}, Tensor.full(2.5f, 2).toArray());
        assertEquals(0, Tensor.scalar(4).rank());
        Tensor a = Tensor.of(new float[] {1, Float.POSITIVE_INFINITY, 3}, 3);
        assertTrue(a.allClose(Tensor.of(new float[] {1.0001f, Float.POSITIVE_INFINITY, 3}, 3), 1e-3, 0));
        assertTrue(!a.allClose(Tensor.of(new float[] {1, Float.NaN, 3}, 3), 1, 1));
        assertTrue(!a.allClose(Tensor.of(new float[] {1, 3}, 2), 1, 1));
        assertTrue(a.hasNonFinite());
        assertTrue(!Tensor.ones(3).hasNonFinite());
    }
}
