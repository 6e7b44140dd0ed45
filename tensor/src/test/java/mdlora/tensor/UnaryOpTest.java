package mdlora.tensor;

import static mdlora.tensor.Reference.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every unary op against {@code Math} in double (rounded once to float), in every layout. */
class UnaryOpTest {
    private static final double RTOL = 1e-6, ATOL = 1e-37;
    private static final float[] SPECIAL = {0f, -0f, 1e-30f, -1e-30f, 1e-4f, -1e-4f, 0.5f, -0.5f, 1f, -1f, 3f, -3f, 9.5f, -9.5f,
            30f, -30f, 100f, -100f, 1e30f, -1e30f, Float.MIN_VALUE, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN};

    static Tensor apply(UnaryOp op, Tensor x) {
        return switch (op) {
            case NEG -> x.neg();
            case ABS -> x.abs();
            case EXP -> x.exp();
            case LOG -> x.log();
            case TANH -> x.tanh();
            case SQRT -> x.sqrt();
            case SQUARE -> x.square();
            case RECIPROCAL -> x.reciprocal();
            case SIGMOID -> x.sigmoid();
            case RELU -> x.relu();
            case ERF -> x.erf();
        };
    }

    /** The exact function, rounded once to float: the best a float kernel can return. */
    static double reference(UnaryOp op, double x) {
        double y = switch (op) {
            case NEG -> -x;
            case ABS -> Math.abs(x);
            case EXP -> Math.exp(x);
            case LOG -> Math.log(x);
            case TANH -> Math.tanh(x);
            case SQRT -> Math.sqrt(x);
            case SQUARE -> x * x;
            case RECIPROCAL -> 1 / x;
            case SIGMOID -> 1 / (1 + Math.exp(-x));
            case RELU -> Double.isNaN(x) ? x : Math.max(x, 0);
            case ERF -> Reference.erf(x);
        };
        return (float) y;
    }

    @ParameterizedTest
    @EnumSource(UnaryOp.class)
    void matchesReferenceInEveryLayout(UnaryOp op) {
        RandomTensors r = new RandomTensors(op.ordinal());
        DoubleSupplier values = op == UnaryOp.LOG || op == UnaryOp.SQRT ? () -> Math.abs(4 * r.rng.nextGaussian()) + 1e-6 : r.normal(4);
        for (int c = 0; c < 60; c++) {
            int[] shape = r.shape(4, 3000);
            Tensor x = r.tensor(shape, values);
            double[] in = Reference.values(x), expected = new double[in.length];
            for (int i = 0; i < in.length; i++) expected[i] = reference(op, in[i]);
            assertClose(expected, apply(op, x), shape, RTOL, ATOL, op + " case " + c);
        }
    }

    @ParameterizedTest
    @EnumSource(UnaryOp.class)
    void specialValuesInSimdBodyAndTail(UnaryOp op) {
        int n = 3 * SPECIAL.length + 5;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = SPECIAL[i % SPECIAL.length];
        double[] expected = new double[n];
        for (int i = 0; i < n; i++) expected[i] = reference(op, x[i]);
        assertClose(expected, apply(op, Tensor.of(x, n)), new int[] {n}, RTOL, ATOL, op.toString());
    }

    @Test
    void geluKeepsRelativeAccuracyInTheNegativeTail() {
        int n = 2001;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = -10f + i * 0.01f;
        double[] expected = new double[n];
        for (int i = 0; i < n; i++) expected[i] = Reference.gelu(x[i]);
        assertClose(expected, Tensor.of(x, n).gelu(), new int[] {n}, 1e-6, 0, "gelu on [-10, 10]");
    }

    @Test
    void geluSlopeFromTheOutputMatchesTheDerivative() {
        // a grid over [-10, 10] (vector lanes and a scalar tail), exact zeros, and inputs so small that y / x would lose digits
        int n = 2003;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = -10f + i * 0.01f;
        float[] special = {0f, -0f, Float.MIN_VALUE, -1e-30f, 1e-9f, -1e-7f, 1e-3f, 20f, -14f};
        System.arraycopy(special, 0, x, 0, special.length);
        System.arraycopy(special, 0, x, n - special.length, special.length);
        double[] expected = new double[n];
        for (int i = 0; i < n; i++) {
            double v = x[i];
            expected[i] = 0.5 * Reference.erfc(-v / Math.sqrt(2)) + v * Math.exp(-0.5 * v * v) / Math.sqrt(2 * Math.PI);
        }
        Tensor in = Tensor.of(x, n);
        Tensor slope = Backend.current().gelu().backward(in, in.gelu(), Tensor.ones(n));
        assertClose(expected, slope, new int[] {n}, 1e-6, 3e-7, "gelu slope on [-10, 10]");
    }

    @Test
    void erfIsRelativelyAccurateNearZero() {
        float[] x = {1e-20f, -1e-12f, 1e-6f, 3e-4f, -0.01f, 0.1f, 0.3f, -0.49f, 0.51f, 0.7f, 1e-20f, 2e-3f, -5e-5f, 0.25f, 0.05f, 0.6f, -0.2f};
        double[] expected = new double[x.length];
        for (int i = 0; i < x.length; i++) expected[i] = Reference.erf(x[i]);
        assertClose(expected, Tensor.of(x, x.length).erf(), new int[] {x.length}, 1e-6, 0, "erf near 0");
    }

    @Test
    void referenceErfMatchesPublishedValues() {
        assertEquals(0.5204998778130465, Reference.erf(0.5), 2e-16);
        assertEquals(0.8427007929497149, Reference.erf(1), 2e-16);
        assertEquals(2.2090496998585438e-05, Reference.erfc(3), 1e-19);
        assertEquals(1.5374597944280351e-12, Reference.erfc(5), 1e-26);
        assertEquals(2.088487583762545e-45, Reference.erfc(10), 1e-59);
    }
}
