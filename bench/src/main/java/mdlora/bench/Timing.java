package mdlora.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;

/** Wall-clock timing the way the yardstick does it: best of n runs, after a warm-up that lets the JIT compile. */
public final class Timing {
    private static final long WARMUP_NANOS = 1_000_000_000L;
    private static final int WARMUP_MIN_RUNS = 3;
    /**
     * The warm-up goes on while a run spends more than this share of its time compiling. On two busy cores
     * C2 finishes the Vector API kernels of a ViT step only after 20-40 s (W3: GELU's backward was still
     * running interpreted-speed vector fallbacks after 20 steps), so a fixed second measured half-compiled code.
     */
    private static final double JIT_QUIET = 0.01;
    /** However busy the compiler stays, the warm-up ends after this long. */
    private static final long WARMUP_MAX_NANOS = 60_000_000_000L;

    private Timing() {}

    /**
     * Runs {@code body} for about a second (at least three times) and on until a run leaves the JIT compiler
     * nearly idle, then {@code runs} times; returns the fastest in seconds.
     */
    public static double bestOf(int runs, Runnable body) {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        boolean jitTimed = jit != null && jit.isCompilationTimeMonitoringSupported();
        long start = System.nanoTime();
        for (int i = 0; ; i++) {
            long t = System.nanoTime(), compiled = jitTimed ? jit.getTotalCompilationTime() : 0;
            body.run();
            long elapsed = System.nanoTime() - t, now = System.nanoTime() - start;
            boolean quiet = !jitTimed || (jit.getTotalCompilationTime() - compiled) * 1e6 <= JIT_QUIET * elapsed;
            if (i + 1 >= WARMUP_MIN_RUNS && now >= WARMUP_NANOS && (quiet || now >= WARMUP_MAX_NANOS)) break;
        }
        long best = Long.MAX_VALUE;
        for (int i = 0; i < runs; i++) {
            long t = System.nanoTime();
            body.run();
            best = Math.min(best, System.nanoTime() - t);
        }
        return best * 1e-9;
    }
}
