package mdlora.bench;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.DoubleAdder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import mdlora.tensor.Parallel;

/**
 * The machine's peak float throughput, measured in the run: a loop of independent vector FMAs (no loads, so
 * nothing but the FMA units limits it) on every thread the engine uses at once. The denominator of MFU.
 */
final class PeakFlops {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    /** Independent accumulators: enough to cover the FMA latency on two pipes (4 cycles x 2). */
    private static final int CHAINS = 10;
    /** About 0.1 s a run at full speed; short runs, best of several, dodge other processes' bursts. */
    private static final long ITERATIONS = 5_000_000L;
    private static final int RUNS = 7;
    private static double measured = Double.NaN;
    /** Where each loop's result goes, so the JIT cannot drop the loop. */
    private static volatile float sink;

    private PeakFlops() {}

    /** GFLOPS of every engine thread running FMAs together; measured on first use, best of {@link #RUNS}. */
    static synchronized double gflops() {
        if (Double.isNaN(measured)) {
            // short calls first, so the JIT compiles the loop before a timed run (interpreted it runs 100x slower)
            for (int i = 0; i < 200; i++) sink = fmaLoop(10_000);
            measured = 0;
            for (int run = 0; run < RUNS; run++) measured = Math.max(measured, once(Parallel.threads()));
        }
        return measured;
    }

    /** True when {@link #gflops} was measured in this run. */
    static synchronized boolean isMeasured() {
        return !Double.isNaN(measured);
    }

    private static double once(int threads) {
        CountDownLatch start = new CountDownLatch(1);
        DoubleAdder flops = new DoubleAdder();
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            workers[t] = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                sink = fmaLoop(ITERATIONS);
                flops.add(2.0 * CHAINS * F.length() * ITERATIONS);
            });
            workers[t].start();
        }
        long t0 = System.nanoTime();
        start.countDown();
        for (Thread w : workers) {
            try {
                w.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        double seconds = (System.nanoTime() - t0) * 1e-9;
        return flops.sum() / seconds / 1e9;
    }

    private static float fmaLoop(long n) {
        FloatVector m = FloatVector.broadcast(F, 0.999999f), c = FloatVector.broadcast(F, 1e-7f);
        FloatVector a0 = FloatVector.broadcast(F, 1f), a1 = a0.add(1), a2 = a0.add(2), a3 = a0.add(3), a4 = a0.add(4);
        FloatVector a5 = a0.add(5), a6 = a0.add(6), a7 = a0.add(7), a8 = a0.add(8), a9 = a0.add(9);
        for (long i = 0; i < n; i++) {
            a0 = a0.fma(m, c); a1 = a1.fma(m, c); a2 = a2.fma(m, c); a3 = a3.fma(m, c); a4 = a4.fma(m, c);
            a5 = a5.fma(m, c); a6 = a6.fma(m, c); a7 = a7.fma(m, c); a8 = a8.fma(m, c); a9 = a9.fma(m, c);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
    }
}
