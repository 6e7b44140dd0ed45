package mdlora.tensor.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import mdlora.tensor.Backend;
import mdlora.tensor.Parallel;
import mdlora.tensor.Tensor;
import org.junit.jupiter.api.Test;

class AttentionKernelsTest {
    private static final Backend.SelfAttention ATTENTION = AttentionKernels.INSTANCE;

    /** Inputs of one case, each at an offset in a larger array (the kernels must honour a view's offset). */
    private record Case(int b, int n, int heads, int hd, float scale, Tensor qkv, Tensor g) {
        static Case random(long seed, int b, int n, int heads, int hd) {
            SplittableRandom rng = new SplittableRandom(seed);
            int d = heads * hd;
            return new Case(b, n, heads, hd, (float) (1 / Math.sqrt(hd)), view(rng, b, n, 3 * d), view(rng, b, n, d));
        }

        private static Tensor view(SplittableRandom rng, int... shape) {
            int offset = 3, numel = shape[0] * shape[1] * shape[2];
            float[] data = new float[offset + numel];
            for (int i = offset; i < data.length; i++) data[i] = (float) (2 * rng.nextGaussian());
            return Tensor.view(data, offset, shape, new int[] {shape[1] * shape[2], shape[2], 1});
        }

        double x(int bi, int t, int which, int h, int c) {
            return qkv.get(bi, t, (which * heads + h) * hd + c);
        }

        /** The reference: every product, softmax and gradient in double by plain loops. */
        Reference reference() {
            int d = heads * hd;
            double[][][][] p = new double[b][heads][n][n];
            double[][][] out = new double[b][n][d], dqkv = new double[b][n][3 * d];
            for (int bi = 0; bi < b; bi++)
                for (int h = 0; h < heads; h++) {
                    double[][] pr = p[bi][h], ds = new double[n][n];
                    for (int i = 0; i < n; i++) {
                        double max = Double.NEGATIVE_INFINITY, sum = 0;
                        for (int j = 0; j < n; j++) {
                            for (int c = 0; c < hd; c++) pr[i][j] += x(bi, i, 0, h, c) * x(bi, j, 1, h, c);
                            pr[i][j] *= scale;
                            max = Math.max(max, pr[i][j]);
                        }
                        for (int j = 0; j < n; j++) sum += pr[i][j] = Math.exp(pr[i][j] - max);
                        double dot = 0;
                        for (int j = 0; j < n; j++) {
                            pr[i][j] /= sum;
                            for (int c = 0; c < hd; c++) {
                                out[bi][i][h * hd + c] += pr[i][j] * x(bi, j, 2, h, c);
                                ds[i][j] += g.get(bi, i, h * hd + c) * x(bi, j, 2, h, c);
                            }
                            dot += pr[i][j] * ds[i][j];
                        }
                        for (int j = 0; j < n; j++) ds[i][j] = pr[i][j] * (ds[i][j] - dot);
                    }
                    for (int i = 0; i < n; i++)
                        for (int j = 0; j < n; j++)
                            for (int c = 0; c < hd; c++) {
                                dqkv[bi][i][h * hd + c] += scale * ds[i][j] * x(bi, j, 1, h, c);
                                dqkv[bi][j][d + h * hd + c] += scale * ds[i][j] * x(bi, i, 0, h, c);
                                dqkv[bi][j][2 * d + h * hd + c] += pr[i][j] * g.get(bi, i, h * hd + c);
                            }
                }
            return new Reference(flat(out), flat4(p), flat(dqkv));
        }

        Tensor backward(Backend.SelfAttention.Result r) {
            return ATTENTION.backward(qkv, r.probs(), g, heads, scale);
        }

        @Override
        public String toString() {
            return "B=" + b + " N=" + n + " heads=" + heads + " head dim=" + hd;
        }
    }

    private record Reference(double[] out, double[] probs, double[] dqkv) {}

    @Test
    void matchesTripleLoopsInDoubleOnOddShapes() {
        int[][] shapes = {{1, 1, 1, 8}, {2, 5, 3, 8}, {3, 5, 2, 64}, {1, 50, 3, 64}, {2, 50, 1, 8}, {1, 197, 2, 64}, {2, 17, 3, 24}};
        long seed = 0;
        for (int[] s : shapes) {
            Case c = Case.random(seed++, s[0], s[1], s[2], s[3]);
            Reference want = c.reference();
            Backend.SelfAttention.Result r = ATTENTION.forward(c.qkv(), c.heads(), c.scale());
            assertClose(want.out(), r.out(), c + " context");
            assertClose(want.probs(), r.probs(), c + " probabilities");
            assertClose(want.dqkv(), c.backward(r), c + " gradient of qkv");
        }
    }

    @Test
    void sameBitsOnOneAndTwoThreads() {
        int before = Parallel.threads();
        try {
            Case c = Case.random(7, 3, 50, 3, 64);
            Parallel.setThreads(1);
            Backend.SelfAttention.Result one = ATTENTION.forward(c.qkv(), c.heads(), c.scale());
            float[] gradOne = c.backward(one).contiguousData();
            Parallel.setThreads(2);
            Backend.SelfAttention.Result two = ATTENTION.forward(c.qkv(), c.heads(), c.scale());
            assertArrayEquals(one.out().contiguousData(), two.out().contiguousData());
            assertArrayEquals(one.probs().contiguousData(), two.probs().contiguousData());
            assertArrayEquals(gradOne, c.backward(two).contiguousData());
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void nanInAQueryReachesItsRowAndNoOther() {
        Case c = Case.random(3, 2, 5, 2, 8);
        c.qkv().set(Float.NaN, 1, 2, 8 + 3); // batch 1, token 2, head 1's q
        Backend.SelfAttention.Result r = ATTENTION.forward(c.qkv(), c.heads(), c.scale());
        for (int i = 0; i < c.n(); i++) {
            assertEquals(i == 2, Float.isNaN(r.probs().get(1, 1, i, 0)), "probabilities row " + i);
            assertEquals(i == 2, Float.isNaN(r.out().get(1, i, 8)), "context row " + i);
            assertFalse(Float.isNaN(r.out().get(1, i, 0)), "head 0 stays finite");
        }
        Tensor grad = c.backward(r);
        assertTrue(Float.isNaN(grad.get(1, 2, 8)), "the NaN's own gradient");
        assertTrue(Float.isNaN(grad.get(1, 0, 2 * 8 + 8)), "the keys it attended to");
        assertFalse(Float.isNaN(grad.get(0, 2, 8)), "another batch stays finite");
    }

    @Test
    void refusesAWidthThatTheHeadsDoNotDivide() {
        var e = assertThrows(IllegalArgumentException.class, () -> ATTENTION.forward(Tensor.zeros(1, 4, 9), 2, 1f));
        assertEquals("selfAttention: qkv must be [B, N, 3D] with D divisible by 2 heads, got [1, 4, 9]", e.getMessage());
    }

    /** Within ~1e-5 of the reference, relative to the element or, for sums that cancel, to the tensor's largest element. */
    private static void assertClose(double[] want, Tensor got, String what) {
        float[] g = got.contiguousData();
        assertEquals(want.length, g.length, what + ": size");
        double scale = 0;
        for (double w : want) scale = Math.max(scale, Math.abs(w));
        for (int i = 0; i < g.length; i++) {
            double tol = 1e-5 * (Math.abs(want[i]) + 0.1 * scale) + 1e-30;
            if (!(Math.abs(g[i] - want[i]) <= tol)) throw new AssertionError(what + " [" + i + "]: " + g[i] + " vs " + want[i]);
        }
    }

    private static double[] flat(double[][][] x) {
        int a = x.length, b = x[0].length, c = x[0][0].length;
        double[] out = new double[a * b * c];
        for (int i = 0; i < a; i++)
            for (int j = 0; j < b; j++) System.arraycopy(x[i][j], 0, out, (i * b + j) * c, c);
        return out;
    }

    private static double[] flat4(double[][][][] x) {
        double[][][] y = new double[x.length * x[0].length][][];
        for (int i = 0; i < x.length; i++) System.arraycopy(x[i], 0, y, i * x[0].length, x[0].length);
        return flat(y);
    }
}
