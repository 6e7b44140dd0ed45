package mdlora.tensor;

import static mdlora.tensor.Reference.assertClose;
import static mdlora.tensor.Reference.at;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Softmax, log-softmax and layer norm against double-precision loops. */
class NormalizationTest {

    /** Softmax (or its log) of every line of {@code x} along {@code axis}, in double. */
    static double[] softmaxReference(Tensor x, int axis, boolean log) {
        int[] shape = x.shape();
        double[] out = new double[x.numel()];
        int[] k = {0};
        Reference.forEachIndex(shape, idx -> {
            int[] j = idx.clone();
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (j[axis] = 0; j[axis] < shape[axis]; j[axis]++) max = Math.max(max, at(x, j));
            for (j[axis] = 0; j[axis] < shape[axis]; j[axis]++) sum += Math.exp(at(x, j) - max);
            double shifted = at(x, idx) - max;
            out[k[0]++] = log ? shifted - Math.log(sum) : Math.exp(shifted) / sum;
        });
        return out;
    }

    private static void checkSoftmax(Tensor x, int axis, boolean log, String what) {
        double[] expected = softmaxReference(x, axis, log);
        double scale = 0;
        for (double v : Reference.values(x)) if (Double.isFinite(v)) scale = Math.max(scale, Math.abs(v));
        int negativeAxis = axis - x.rank();
        Tensor y = log ? x.logSoftmax(negativeAxis) : x.softmax(axis);
        assertClose(expected, y, x.shape(), 1e-5, log ? 1e-6 * (scale + 1) : 1e-7, (log ? "logSoftmax " : "softmax ") + what + " axis " + axis);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void softmaxOnEveryAxisInEveryLayout(boolean log) {
        RandomTensors r = new RandomTensors(log ? 401 : 400);
        for (int c = 0; c < 40; c++) {
            int[] shape = r.shape(4, 2000);
            if (shape.length == 0) continue;
            Tensor x = r.tensor(shape, r.normal(3));
            for (int axis = 0; axis < shape.length; axis++) checkSoftmax(x, axis, log, "case " + c);
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void largeValuesAndMinusInfinity(boolean log) {
        RandomTensors r = new RandomTensors(402);
        DoubleSupplier huge = r.normal(1e4);
        DoubleSupplier masked = () -> r.rng.nextInt(4) == 0 ? Double.NEGATIVE_INFINITY : 30 * r.rng.nextGaussian();
        for (int c = 0; c < 20; c++) {
            int[] shape = {1 + r.rng.nextInt(5), 1 + r.rng.nextInt(70)};
            Tensor big = r.tensor(shape, huge), withInf = r.tensor(shape, masked);
            for (int axis = 0; axis < 2; axis++) {
                checkSoftmax(big, axis, log, "large case " + c);
                checkSoftmax(withInf, axis, log, "-inf case " + c);
            }
            assertFalse(big.softmax(1).hasNonFinite(), "softmax of large values overflowed");
        }
        Tensor allMasked = Tensor.full(Float.NEGATIVE_INFINITY, 2, 9);
        assertTrue(Float.isNaN(allMasked.softmax(1).get(0, 0)), "a fully masked row is NaN, as in PyTorch");
    }

    @Test
    void layerNormMatchesDoubleReference() {
        RandomTensors r = new RandomTensors(410);
        for (int c = 0; c < 60; c++) {
            int[] shape = r.shape(4, 3000);
            if (shape.length == 0) continue;
            int n = shape[shape.length - 1];
            Tensor x = r.tensor(shape, () -> 3 + 2 * r.rng.nextGaussian());
            Tensor w = c % 3 == 0 ? null : r.tensor(new int[] {n}, r.normal(1));
            Tensor b = c % 4 == 0 ? null : r.tensor(new int[] {n}, r.normal(1));
            float eps = c % 2 == 0 ? 1e-5f : 1e-2f;
            int rows = x.numel() / Math.max(n, 1);
            Tensor mean = Tensor.zeros(rows), rstd = Tensor.zeros(rows);
            Tensor y = Backend.current().layerNorm().forward(x, w, b, eps, mean, rstd);
            double[] expected = new double[x.numel()], expMean = new double[rows], expRstd = new double[rows];
            int[] k = {0};
            Reference.forEachIndex(shape, idx -> {
                int[] j = idx.clone();
                double m = 0, v = 0;
                for (j[j.length - 1] = 0; j[j.length - 1] < n; j[j.length - 1]++) m += at(x, j);
                m /= n;
                for (j[j.length - 1] = 0; j[j.length - 1] < n; j[j.length - 1]++) v += (at(x, j) - m) * (at(x, j) - m);
                double rs = 1 / Math.sqrt(v / n + eps);
                int col = idx[idx.length - 1];
                double e = (at(x, idx) - m) * rs;
                if (w != null) e *= at(w, col);
                if (b != null) e += at(b, col);
                expMean[k[0] / n] = m;
                expRstd[k[0] / n] = rs;
                expected[k[0]++] = e;
            });
            String what = "layerNorm " + Shape.str(shape) + (w == null ? "" : " weight") + (b == null ? "" : " bias") + " case " + c;
            assertClose(expected, y, shape, 1e-5, 1e-5, what);
            assertClose(expMean, mean, new int[] {rows}, 1e-6, 1e-6, what + " mean");
            assertClose(expRstd, rstd, new int[] {rows}, 1e-5, 0, what + " rstd");
            assertClose(expected, x.layerNorm(w, b, eps), shape, 1e-5, 1e-5, what + " via Tensor");
        }
    }

    @Test
    void constantRowsGiveTheBias() {
        Tensor b = Tensor.of(new float[] {1, 2, 3}, 3);
        assertClose(new double[] {1, 2, 3, 1, 2, 3}, Tensor.full(7, 2, 3).layerNorm(Tensor.ones(3), b, 1e-5f), new int[] {2, 3}, 0, 1e-6, "constant rows");
    }

    @Test
    void badParametersAreNamed() {
        var e = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, 3).layerNorm(Tensor.ones(4), null, 1e-5f));
        assertTrue(e.getMessage().contains("weight") && e.getMessage().contains("[4]") && e.getMessage().contains("[2, 3]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, 3).layerNorm(null, Tensor.ones(1, 3), 1e-5f));
        assertTrue(e.getMessage().contains("bias"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tensor.scalar(1).layerNorm(null, null, 1e-5f));
        assertThrows(IllegalArgumentException.class, () -> Tensor.scalar(1).softmax(0));
    }
}
