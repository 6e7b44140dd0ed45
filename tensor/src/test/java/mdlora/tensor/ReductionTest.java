package mdlora.tensor;

import static mdlora.tensor.Reference.assertClose;
import static mdlora.tensor.Reference.at;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Reductions over every subset of axes, argmax and sumAll against double loops. */
class ReductionTest {

    static Tensor apply(ReduceOp op, Tensor x, boolean keepDims, int... axes) {
        return switch (op) {
            case SUM -> x.sum(keepDims, axes);
            case MEAN -> x.mean(keepDims, axes);
            case MAX -> x.max(keepDims, axes);
            case MIN -> x.min(keepDims, axes);
        };
    }

    /** Reference result over the axes flagged in {@code reduced}, in row-major order of the kept axes. */
    static double[] reference(ReduceOp op, Tensor x, boolean[] reduced) {
        int[] shape = x.shape();
        int rows = 1, count = 1;
        for (int i = 0; i < shape.length; i++) if (reduced[i]) count *= shape[i]; else rows *= shape[i];
        double[] acc = new double[rows];
        Arrays.fill(acc, op == ReduceOp.MAX ? Double.NEGATIVE_INFINITY : op == ReduceOp.MIN ? Double.POSITIVE_INFINITY : 0);
        Reference.forEachIndex(shape, idx -> {
            int row = 0;
            for (int i = 0; i < shape.length; i++) if (!reduced[i]) row = row * shape[i] + idx[i];
            double v = at(x, idx);
            acc[row] = switch (op) {
                case SUM, MEAN -> acc[row] + v;
                case MAX -> Math.max(acc[row], v);
                case MIN -> Math.min(acc[row], v);
            };
        });
        if (op == ReduceOp.MEAN) for (int r = 0; r < rows; r++) acc[r] /= count;
        return acc;
    }

    @ParameterizedTest
    @EnumSource(ReduceOp.class)
    void everySubsetOfAxesWithAndWithoutKeepDims(ReduceOp op) {
        RandomTensors r = new RandomTensors(300 + op.ordinal());
        for (int c = 0; c < 40; c++) {
            int[] shape = r.shape(4, 2000);
            Tensor x = r.tensor(shape, r.normal(2));
            int rank = shape.length;
            for (int mask = 0; mask < 1 << rank; mask++) {
                boolean[] reduced = new boolean[rank];
                int[] axes = new int[Integer.bitCount(mask)];
                for (int i = 0, k = 0; i < rank; i++) {
                    if ((mask >> i & 1) == 0) continue;
                    reduced[i] = true;
                    axes[k++] = c % 2 == 0 ? i : i - rank; // negative axes on odd cases
                }
                if (mask == 0) Arrays.fill(reduced, true); // no axes given: all of them
                double[] expected = reference(op, x, reduced);
                double tol = tolerance(op, x, expected.length);
                for (boolean keep : new boolean[] {false, true}) {
                    int[] outShape = keptShape(shape, reduced, keep);
                    assertClose(expected, apply(op, x, keep, axes), outShape, 0, tol,
                            op + " of " + Shape.str(shape) + " over " + Arrays.toString(axes) + " keepDims " + keep + " case " + c);
                }
            }
        }
    }

    /** Float accumulation error grows with the sum of magnitudes (divided by the count for a mean); max and min are exact. */
    private static double tolerance(ReduceOp op, Tensor x, int outputs) {
        if (op == ReduceOp.MAX || op == ReduceOp.MIN) return 0;
        double abs = 0;
        for (double v : Reference.values(x)) abs += Math.abs(v);
        if (op == ReduceOp.MEAN && outputs > 0) abs /= (double) x.numel() / outputs;
        return 1e-6 * abs + 1e-30;
    }

    private static int[] keptShape(int[] shape, boolean[] reduced, boolean keep) {
        return IntStream.range(0, shape.length).filter(i -> keep || !reduced[i]).map(i -> reduced[i] ? 1 : shape[i]).toArray();
    }

    @ParameterizedTest
    @EnumSource(value = ReduceOp.class, names = {"MAX", "MIN"})
    void nanPropagatesThroughMaxAndMin(ReduceOp op) {
        for (int n : new int[] {3, 8, 9, 40}) {
            float[] d = new float[2 * n];
            for (int i = 0; i < d.length; i++) d[i] = i % 5 - 2;
            d[n + n / 2] = Float.NaN;
            Tensor x = Tensor.of(d, 2, n);
            float[] rows = apply(op, x, false, 1).toArray();
            assertTrue(!Float.isNaN(rows[0]) && Float.isNaN(rows[1]), op + " of rows " + Arrays.toString(rows));
            float[] cols = apply(op, x, false, 0).toArray();
            for (int j = 0; j < n; j++) assertEquals(j == n / 2, Float.isNaN(cols[j]), op + " of column " + j);
        }
    }

    @Test
    void argmaxTakesTheFirstOfTiesOnEveryAxis() {
        RandomTensors r = new RandomTensors(310);
        for (int c = 0; c < 40; c++) {
            int[] shape = r.shape(4, 2000);
            if (shape.length == 0) continue;
            Tensor x = r.tensor(shape, r.integers(2));
            for (int axis = 0; axis < shape.length; axis++) {
                int a = axis;
                int[] out = new int[shape.length - 1];
                for (int i = 0, k = 0; i < shape.length; i++) if (i != a) out[k++] = shape[i];
                double[] expected = new double[Shape.numel(out)];
                int[] k = {0};
                Reference.forEachIndex(out, idx -> {
                    int[] full = new int[shape.length];
                    for (int i = 0, j = 0; i < shape.length; i++) full[i] = i == a ? 0 : idx[j++];
                    int best = 0;
                    for (int i = 1; i < shape[a]; i++) {
                        full[a] = i;
                        double v = at(x, full);
                        full[a] = best;
                        if (v > at(x, full)) best = i;
                    }
                    expected[k[0]++] = best;
                });
                assertClose(expected, x.argmax(axis - (c % 2) * shape.length), out, 0, 0, "argmax axis " + axis + " case " + c);
            }
        }
    }

    @Test
    void argmaxPicksTheFirstNan() {
        Tensor x = Tensor.of(new float[] {1, Float.NaN, 3, Float.NaN}, 4);
        assertEquals(1f, x.argmax(0).item());
    }

    @Test
    void sumAllMatchesDoubleSum() {
        RandomTensors r = new RandomTensors(320);
        for (int c = 0; c < 20; c++) {
            Tensor x = r.tensor(r.shape(4, 5000), r.normal(1));
            double expected = 0, abs = 0;
            for (double v : Reference.values(x)) { expected += v; abs += Math.abs(v); }
            assertEquals(expected, x.sumAll(), 1e-7 * abs + 1e-12);
        }
    }

    @Test
    void emptyAxes() {
        Tensor x = Tensor.zeros(3, 0);
        assertArrayEquals(new float[] {0, 0, 0}, x.sum(1).toArray());
        assertTrue(Float.isNaN(x.mean(1).toArray()[0]));
        assertArrayEquals(new int[] {0}, x.sum(0).shape());
        var e = assertThrows(IllegalArgumentException.class, () -> x.max(1));
        assertTrue(e.getMessage().contains("[3, 0]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> x.argmax(1));
        assertEquals(0.0, x.sumAll());
    }

    @Test
    void badAxesAreNamed() {
        Tensor x = Tensor.zeros(2, 3);
        var e = assertThrows(IllegalArgumentException.class, () -> x.sum(2));
        assertTrue(e.getMessage().contains("axis 2") && e.getMessage().contains("rank 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> x.sum(1, -1));
        assertTrue(e.getMessage().contains("repeated"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> x.argmax(-3));
    }
}
