package mdlora.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The plain scalar reference the kernels are tested against: element access straight from storage,
 * index iteration, a double-precision erf, and a comparison that reports the first bad element.
 */
final class Reference {
    private Reference() {}

    /** The element at {@code idx}, read from storage with the tensor's own offset and strides. */
    static double at(Tensor t, int... idx) {
        int p = t.offset();
        for (int i = 0; i < idx.length; i++) p += idx[i] * t.stride(i);
        return t.storage()[p];
    }

    /** Calls {@code body} with every index of {@code shape} in row-major order (the array is reused). */
    static void forEachIndex(int[] shape, Consumer<int[]> body) {
        if (Shape.numel(shape) == 0) return;
        int[] idx = new int[shape.length];
        while (true) {
            body.accept(idx);
            int i = shape.length - 1;
            while (i >= 0 && ++idx[i] == shape[i]) idx[i--] = 0;
            if (i < 0) return;
        }
    }

    /** The elements of {@code t} in row-major order, read one by one with {@link #at}. */
    static double[] values(Tensor t) {
        double[] out = new double[t.numel()];
        int[] k = {0};
        forEachIndex(t.shape(), idx -> out[k[0]++] = at(t, idx));
        return out;
    }

    /** The index of a broadcast operand of shape {@code own} that feeds output index {@code idx}. */
    static int[] broadcastIndex(int[] idx, int[] own) {
        int lead = idx.length - own.length;
        int[] r = new int[own.length];
        for (int i = 0; i < own.length; i++) r[i] = own[i] == 1 ? 0 : idx[lead + i];
        return r;
    }

    /** erf to near double precision. */
    static double erf(double x) {
        double a = Math.abs(x);
        return Math.copySign(a < 3 ? erfSeries(a) : 1 - erfcFraction(a), x);
    }

    /** erfc to near double precision relative accuracy, also deep in the tail. */
    static double erfc(double x) {
        if (x < 0) return 2 - erfc(-x);
        return x < 3 ? 1 - erfSeries(x) : erfcFraction(x);
    }

    /** GELU, 0.5 x (1 + erf(x / sqrt 2)), with 1 + erf(-z) taken as erfc(z) so the negative tail keeps its digits. */
    static double gelu(double x) {
        return 0.5 * x * erfc(-x / Math.sqrt(2));
    }

    /** erf(x) = 2/sqrt(pi) exp(-x^2) sum_n x (2x^2)^n / (1*3*...*(2n+1)): positive terms, no cancellation. */
    private static double erfSeries(double x) {
        double term = x, sum = x;
        for (int n = 1; term > 1e-18 * sum; n++) {
            term *= 2 * x * x / (2 * n + 1);
            sum += term;
        }
        return 2 / Math.sqrt(Math.PI) * Math.exp(-x * x) * sum;
    }

    /** erfc(x) = exp(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))), evaluated from the tail. */
    private static double erfcFraction(double x) {
        double f = x;
        for (int k = 300; k >= 1; k--) f = x + (k / 2.0) / f;
        return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
    }

    /**
     * Asserts {@code actual} has {@code shape} and each element is within {@code atol + rtol * |expected|};
     * NaN must meet NaN and an infinity the same infinity.
     */
    static void assertClose(double[] expected, Tensor actual, int[] shape, double rtol, double atol, String what) {
        assertArrayEquals(shape, actual.shape(), () -> what + ": shape");
        double[] got = values(actual);
        for (int i = 0; i < got.length; i++) {
            double e = expected[i], g = got[i];
            boolean ok = Double.isNaN(e) ? Double.isNaN(g) : e == g || Math.abs(g - e) <= atol + rtol * Math.abs(e);
            if (!ok) fail(what + ": element " + i + " of " + Arrays.toString(shape) + " is " + g + ", expected " + e);
        }
    }
}
