package mdlora.tensor;

import static mdlora.tensor.Reference.assertClose;
import static mdlora.tensor.Reference.at;
import static mdlora.tensor.Reference.broadcastIndex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every binary op against double arithmetic, with NumPy broadcasting in both orders and the scalar forms. */
class BinaryOpTest {
    private static final double RTOL = 1e-6, ATOL = 1e-37;

    static Tensor apply(BinaryOp op, Tensor a, Tensor b) {
        return switch (op) {
            case ADD -> a.add(b);
            case SUB -> a.sub(b);
            case MUL -> a.mul(b);
            case DIV -> a.div(b);
            case MAX -> a.maximum(b);
            case MIN -> a.minimum(b);
            case POW -> a.pow(b);
            case GT -> a.gt(b);
            case EQ -> a.eq(b);
        };
    }

    static Tensor apply(BinaryOp op, Tensor a, float s) {
        return switch (op) {
            case ADD -> a.add(s);
            case SUB -> a.sub(s);
            case MUL -> a.mul(s);
            case DIV -> a.div(s);
            case MAX -> a.maximum(s);
            case MIN -> a.minimum(s);
            case POW -> a.pow(s);
            case GT -> a.gt(s);
            case EQ -> a.eq(s);
        };
    }

    /** The exact result rounded once to float; max and min propagate NaN as PyTorch does. */
    static double reference(BinaryOp op, double a, double b) {
        double y = switch (op) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case MAX -> Math.max(a, b);
            case MIN -> Math.min(a, b);
            case POW -> Math.pow(a, b);
            case GT -> a > b ? 1 : 0;
            case EQ -> a == b ? 1 : 0;
        };
        return (float) y;
    }

    private static DoubleSupplier left(BinaryOp op, RandomTensors r) {
        return switch (op) {
            case POW -> () -> Math.abs(2 * r.rng.nextGaussian()) + 0.1;
            case MAX, MIN, GT, EQ -> r.integers(3);
            default -> r.normal(3);
        };
    }

    private static DoubleSupplier right(BinaryOp op, RandomTensors r) {
        return op == BinaryOp.POW ? r.normal(2) : left(op, r);
    }

    @ParameterizedTest
    @EnumSource(BinaryOp.class)
    void broadcastsInBothOrders(BinaryOp op) {
        RandomTensors r = new RandomTensors(100 + op.ordinal());
        for (int c = 0; c < 60; c++) {
            int[] shape = r.shape(4, 3000), small = r.broadcastable(shape);
            Tensor a = r.tensor(shape, left(op, r)), b = r.tensor(small, right(op, r));
            check(op, a, b, shape, "case " + c);
            Tensor a2 = r.tensor(small, left(op, r)), b2 = r.tensor(shape, right(op, r));
            check(op, a2, b2, shape, "case " + c + " swapped");
        }
    }

    @ParameterizedTest
    @EnumSource(BinaryOp.class)
    void broadcastsBothOperandsToANewShape(BinaryOp op) {
        Tensor col = Tensor.of(new float[] {1, 2, 3}, 3, 1), row = Tensor.of(new float[] {2, 1, 0.5f, 3, 2}, 5);
        check(op, col, row, new int[] {3, 5}, "column with row");
        check(op, row, col, new int[] {3, 5}, "row with column");
        check(op, Tensor.scalar(2), col, new int[] {3, 1}, "rank 0 with column");
    }

    @ParameterizedTest
    @EnumSource(BinaryOp.class)
    void scalarFormMatchesReference(BinaryOp op) {
        RandomTensors r = new RandomTensors(200 + op.ordinal());
        for (int c = 0; c < 30; c++) {
            int[] shape = r.shape(4, 3000);
            Tensor a = r.tensor(shape, left(op, r));
            float s = (float) right(op, r).getAsDouble();
            double[] in = Reference.values(a), expected = new double[in.length];
            for (int i = 0; i < in.length; i++) expected[i] = reference(op, in[i], s);
            assertClose(expected, apply(op, a, s), shape, RTOL, ATOL, op + " scalar case " + c);
        }
    }

    @ParameterizedTest
    @EnumSource(BinaryOp.class)
    void nanAndInfinity(BinaryOp op) {
        float[] v = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, 1f, -2.5f};
        int n = v.length;
        float[] a = new float[n * n * 3], b = new float[n * n * 3];
        for (int i = 0; i < a.length; i++) {
            a[i] = v[i % n];
            b[i] = v[(i / n) % n];
        }
        check(op, Tensor.of(a, a.length), Tensor.of(b, b.length), new int[] {a.length}, "specials");
    }

    private static void check(BinaryOp op, Tensor a, Tensor b, int[] shape, String what) {
        assertArrayEquals(shape, Shape.broadcast(a.shape(), b.shape()));
        double[] expected = new double[Shape.numel(shape)];
        int[] k = {0};
        Reference.forEachIndex(shape, idx -> expected[k[0]++] =
                reference(op, at(a, broadcastIndex(idx, a.shape())), at(b, broadcastIndex(idx, b.shape()))));
        assertClose(expected, apply(op, a, b), shape, RTOL, ATOL, op + " " + what);
    }

    @Test
    void broadcastMismatchNamesBothShapes() {
        var e = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, 3).add(Tensor.zeros(4)));
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4]"), e.getMessage());
    }
}
