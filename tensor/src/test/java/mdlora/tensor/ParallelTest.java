package mdlora.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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

    /** Each worker has its own name, so a profile or a thread dump shows how the work was shared. */
    @Test
    void workersHaveDistinctNames() throws InterruptedException {
        Parallel.setThreads(2);
        CountDownLatch bothRunning = new CountDownLatch(2);
        Set<String> names = ConcurrentHashMap.newKeySet();
        Parallel.range(2, 1, (s, e) -> {
            names.add(Thread.currentThread().getName());
            bothRunning.countDown();
            try {
                // hold this chunk until the other one runs, so the two cannot share a thread
                bothRunning.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        });
        assertEquals(Set.of("mdlora-0", "mdlora-1"), names);
    }

    /**
     * Every op on inputs large enough to be split, on 1, 2 and 3 threads. The kernels split work at
     * boundaries that do not depend on the thread count, so even reductions agree to the bit. Only
     * ops built on the exponential may differ, by a few ulps, and not because of the threads: the
     * Vector API computes exp with Math.exp until the JIT has compiled the loop, with its own SIMD
     * routine after.
     */
    @Test
    void resultsDoNotDependOnTheThreadCount() {
        RandomTensors r = new RandomTensors(700);
        Tensor x = r.rng.normal(0, 1, 301, 517), wide = r.rng.normal(0, 1, 7, 40_000), bias = r.rng.normal(0, 1, 517);
        Tensor t = r.rng.normal(0, 1, 517, 301).mT();
        Map<String, Supplier<Object>> exact = new LinkedHashMap<>(), exponential = new LinkedHashMap<>();
        exact.put("bias add", () -> x.add(bias));
        exact.put("sub transposed", () -> x.sub(t));
        exact.put("sum axis 0", () -> x.sum(0));
        exact.put("sum axis 1", () -> x.sum(1));
        exact.put("mean all", () -> x.mean());
        exact.put("max axis 0", () -> x.max(0));
        exact.put("min axis 1 of transposed", () -> t.min(1));
        exact.put("sum of long rows", () -> wide.sum(1));
        exact.put("sum of long columns", () -> wide.mT().sum(0));
        exact.put("argmax", () -> x.argmax(1));
        exact.put("layerNorm", () -> x.layerNorm(bias, bias, 1e-5f));
        exact.put("layerNorm of transposed", () -> t.layerNorm(null, null, 1e-5f));
        exact.put("copy of transposed", () -> t.contiguous());
        exact.put("axpy", () -> x.copy().addInPlace(t, 0.25f));
        exact.put("sumAll", () -> new float[] {(float) wide.sumAll()});
        exponential.put("gelu", () -> x.gelu());
        exponential.put("exp of transposed", () -> t.exp());
        exponential.put("softmax", () -> x.softmax(-1));
        exponential.put("softmax axis 0", () -> x.softmax(0));
        exponential.put("logSoftmax", () -> x.logSoftmax(-1));
        compareThreadCounts(exact, 0);
        compareThreadCounts(exponential, 4);
    }

    private static void compareThreadCounts(Map<String, Supplier<Object>> ops, int ulps) {
        for (var op : ops.entrySet()) {
            Parallel.setThreads(1);
            float[] one = toArray(op.getValue().get());
            for (int n : new int[] {2, 3}) {
                Parallel.setThreads(n);
                float[] other = toArray(op.getValue().get());
                for (int i = 0; i < one.length; i++)
                    if (Math.abs(one[i] - other[i]) > ulps * Math.ulp(one[i]))
                        fail(op.getKey() + " on " + n + " threads: element " + i + " is " + other[i] + ", on one thread " + one[i]);
            }
        }
    }

    private static float[] toArray(Object o) {
        return o instanceof Tensor t ? t.toArray() : (float[]) o;
    }
}
