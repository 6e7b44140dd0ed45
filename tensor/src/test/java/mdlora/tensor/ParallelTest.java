package mdlora.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.ref.WeakReference;
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

    /**
     * The caller takes chunks itself, and each worker has its own name, so a profile or a thread dump shows how
     * the work was shared.
     */
    @Test
    void callerAndNamedWorkerShareTheChunks() {
        Parallel.setThreads(2);
        assertEquals(Set.of(Thread.currentThread().getName(), "mdlora-1"), threadsOfTwoChunks());
    }

    /** Workers that have parked after their spin wake for the next job. */
    @Test
    void parkedWorkersWakeForTheNextJob() throws InterruptedException {
        Parallel.setThreads(2);
        for (int round = 0; round < 3; round++) {
            Thread.sleep(3 * Parallel.SPIN_NANOS / 1_000_000 + 5);
            assertEquals(2, threadsOfTwoChunks().size(), "round " + round);
        }
    }

    /** The names of the threads that ran a range of two chunks, each held until the other runs so they cannot share a thread. */
    private static Set<String> threadsOfTwoChunks() {
        CountDownLatch bothRunning = new CountDownLatch(2);
        Set<String> names = ConcurrentHashMap.newKeySet();
        Parallel.range(2, 1, (s, e) -> {
            names.add(Thread.currentThread().getName());
            bothRunning.countDown();
            try {
                bothRunning.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        });
        return names;
    }

    /** A chunk's failure reaches the caller, whichever thread ran it, after every other chunk has finished; the pool goes on working. */
    @Test
    void aFailingChunkIsRethrownAndThePoolRecovers() {
        Parallel.setThreads(2);
        for (int failing = 0; failing < 2; failing++) {
            int bad = failing;
            AtomicIntegerArray ran = new AtomicIntegerArray(2);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> Parallel.range(2, 1, (s, end) -> {
                ran.set(s, 1);
                if (s == bad) throw new IllegalStateException("chunk " + s);
            }));
            assertEquals("chunk " + bad, e.getMessage());
            assertEquals(1, ran.get(1 - bad), "the other chunk ran to its end");
        }
        AtomicIntegerArray hits = new AtomicIntegerArray(1000);
        Parallel.range(1000, 1, (s, e) -> { for (int i = s; i < e; i++) hits.incrementAndGet(i); });
        for (int i = 0; i < 1000; i++) assertEquals(1, hits.get(i));
    }

    /** A second thread whose range meets a busy pool runs it on its own thread rather than waiting for, or joining, the other job. */
    @Test
    void aSecondCallerRunsInlineWhileThePoolIsBusy() throws Exception {
        Parallel.setThreads(2);
        CountDownLatch firstRunning = new CountDownLatch(1), secondDone = new CountDownLatch(1);
        Set<String> secondNames = ConcurrentHashMap.newKeySet();
        Thread second = new Thread(() -> {
            try {
                firstRunning.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException ex) {
                return;
            }
            Parallel.range(4, 1, (s, e) -> secondNames.add(Thread.currentThread().getName()));
            secondDone.countDown();
        }, "second-caller");
        second.start();
        Parallel.range(2, 1, (s, e) -> {
            firstRunning.countDown();
            try {
                secondDone.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        });
        second.join(10_000);
        assertEquals(Set.of("second-caller"), secondNames);
    }

    /** Between jobs the pool holds no reference to the last one, so what its body captured can be collected. */
    @Test
    void theLastJobIsNotKeptReachable() throws InterruptedException {
        Parallel.setThreads(2);
        WeakReference<float[]> ref = runJobCapturing(new float[1 << 20]);
        for (int i = 0; i < 10 && ref.get() != null; i++) {
            System.gc();
            Thread.sleep(10);
        }
        assertTrue(ref.get() == null, "the last job's body is still reachable");
    }

    private static WeakReference<float[]> runJobCapturing(float[] captured) {
        Parallel.range(2, 1, (s, e) -> assertEquals(1 << 20, captured.length));
        return new WeakReference<>(captured);
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
