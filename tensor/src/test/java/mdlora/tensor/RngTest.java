package mdlora.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Seeded streams: reproducible, independent across seeds and forks, with the right distributions. */
class RngTest {
    private final int threads = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(threads);
    }

    @Test
    void sameSeedSameNumbersWhateverTheThreadCount() {
        Parallel.setThreads(1);
        float[] a = draw(new Rng(42));
        Parallel.setThreads(3);
        float[] b = draw(new Rng(42));
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, draw(new Rng(43))));
    }

    private static float[] draw(Rng rng) {
        float[] n = rng.normal(0, 1, 300, 301).toArray(), u = rng.uniform(-1, 1, 1001).toArray(), k = rng.kaimingUniform(7, 3, 7).toArray();
        float[] all = Arrays.copyOf(n, n.length + u.length + k.length + 1);
        System.arraycopy(u, 0, all, n.length, u.length);
        System.arraycopy(k, 0, all, n.length + u.length, k.length);
        all[all.length - 1] = rng.nextInt(1000);
        return all;
    }

    @Test
    void forksAreReproducibleAndIndependent() {
        Rng a = new Rng(7), b = new Rng(7);
        Rng fa = a.fork(), fb = b.fork();
        float[] x = fa.normal(0, 1, 100).toArray();
        assertArrayEquals(x, fb.normal(0, 1, 100).toArray());
        assertFalse(Arrays.equals(x, a.normal(0, 1, 100).toArray()));
        assertFalse(Arrays.equals(a.fork().normal(0, 1, 100).toArray(), a.fork().normal(0, 1, 100).toArray()));
    }

    @Test
    void normalHasTheRequestedMeanAndStd() {
        int n = 200_000;
        float[] v = new Rng(1).normal(2f, 3f, n).toArray();
        double mean = 0, sq = 0;
        for (float x : v) mean += x;
        mean /= n;
        for (float x : v) sq += (x - mean) * (x - mean);
        assertEquals(2, mean, 5 * 3 / Math.sqrt(n));
        assertEquals(3, Math.sqrt(sq / n), 0.02);
    }

    @Test
    void uniformStaysInItsRange() {
        int n = 200_000;
        float[] v = new Rng(2).uniform(-0.5f, 1.5f, n).toArray();
        double mean = 0;
        for (float x : v) {
            assertTrue(x >= -0.5f && x < 1.5f, "uniform value " + x);
            mean += x;
        }
        assertEquals(0.5, mean / n, 5 * 2 / Math.sqrt(12.0 * n));
        Rng rng = new Rng(3);
        for (int i = 0; i < 10_000; i++) {
            int k = rng.nextInt(7);
            assertTrue(k >= 0 && k < 7);
            double d = rng.nextDouble();
            assertTrue(d >= 0 && d < 1);
        }
        assertThrows(IllegalArgumentException.class, () -> rng.nextInt(0));
    }

    @Test
    void kaimingUniformBoundIsOneOverSqrtFanIn() {
        for (int fanIn : new int[] {1, 3, 192, 768}) {
            float[] w = new Rng(fanIn).kaimingUniform(fanIn, 20_000).toArray();
            double bound = 1 / Math.sqrt(fanIn), max = 0;
            for (float x : w) max = Math.max(max, Math.abs(x));
            assertTrue(max <= bound && max > 0.999 * bound, "fanIn " + fanIn + ": max |w| " + max + ", bound " + bound);
        }
        float[] relu = new Rng(5).kaimingUniform(50, 0.0, 20_000).toArray();
        double max = 0;
        for (float x : relu) max = Math.max(max, Math.abs(x));
        assertEquals(Math.sqrt(6.0 / 50), max, 1e-3 * Math.sqrt(6.0 / 50));
        var e = assertThrows(IllegalArgumentException.class, () -> new Rng(1).kaimingUniform(0, 4));
        assertTrue(e.getMessage().contains("fanIn"), e.getMessage());
    }
}
