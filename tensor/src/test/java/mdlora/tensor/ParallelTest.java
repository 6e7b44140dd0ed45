package mdlora.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The pool covers every index once, and no result depends on how many threads ran it. */
class ParallelTest {
    private final int threads = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(threads);
    }

    @Test
    void rangeCoversEveryIndexOnceAndNestsInline() {
        for (int t : new int[] {1, 2, 5}) {
            Parallel.setThreads(t);
            assertEquals(t, Parallel.threads());
            for (int n : new int[] {0, 1, 7, 1000, 100_003}) {
                for (int grain : new int[] {1, 64, 1 << 20}) {
                    AtomicIntegerArray hits = new AtomicIntegerArray(n);
                    Parallel.range(n, grain, (s, e) -> Parallel.forEach(e - s, i -> hits.incrementAndGet(s + i)));
                    for (int i = 0; i < n; i++) assertEquals(1, hits.get(i), "index " + i + " of " + n + ", grain " + grain + ", threads " + t);
                }
            }
        }
        assertThrows(IllegalArgumentException.class, () -> Parallel.setThreads(0));
    }

    /**
     * Every op on inputs large enough to be split, on 1 and on 3 threads. The kernels split work at
     * boundaries that do not depend on the thread count, so even reductions agree to the bit.
     */
    @Test
    void resultsDoNotDependOnTheThreadCount() {
        RandomTensors r = new RandomTensors(700);
        Tensor x = r.rng.normal(0, 1, 301, 517), wide = r.rng.normal(0, 1, 7, 40_000), bias = r.rng.normal(0, 1, 517);
        Tensor t = r.rng.normal(0, 1, 517, 301).mT();
        Map<String, Supplier<Object>> ops = new LinkedHashMap<>();
        ops.put("gelu", () -> x.gelu());
        ops.put("exp of transposed", () -> t.exp());
        ops.put("bias add", () -> x.add(bias));
        ops.put("sub transposed", () -> x.sub(t));
        ops.put("sum axis 0", () -> x.sum(0));
        ops.put("sum axis 1", () -> x.sum(1));
        ops.put("mean all", () -> x.mean());
        ops.put("max axis 0", () -> x.max(0));
        ops.put("min axis 1 of transposed", () -> t.min(1));
        ops.put("sum of long rows", () -> wide.sum(1));
        ops.put("sum of long columns", () -> wide.mT().sum(0));
        ops.put("argmax", () -> x.argmax(1));
        ops.put("softmax", () -> x.softmax(-1));
        ops.put("softmax axis 0", () -> x.softmax(0));
        ops.put("logSoftmax", () -> x.logSoftmax(-1));
        ops.put("layerNorm", () -> x.layerNorm(bias, bias, 1e-5f));
        ops.put("layerNorm of transposed", () -> t.layerNorm(null, null, 1e-5f));
        ops.put("copy of transposed", () -> t.contiguous());
        ops.put("axpy", () -> x.copy().addInPlace(t, 0.25f));
        ops.put("sumAll", () -> new float[] {(float) wide.sumAll()});
        for (var op : ops.entrySet()) {
            Parallel.setThreads(1);
            float[] one = toArray(op.getValue().get());
            Parallel.setThreads(3);
            assertArrayEquals(one, toArray(op.getValue().get()), op.getKey());
        }
    }

    private static float[] toArray(Object o) {
        return o instanceof Tensor t ? t.toArray() : (float[]) o;
    }
}
