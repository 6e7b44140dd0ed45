package mdlora.bench;

/** Wall-clock timing the way the yardstick does it: best of n runs, after a warm-up that lets the JIT compile. */
public final class Timing {
    private static final long WARMUP_NANOS = 1_000_000_000L;
    private static final int WARMUP_MIN_RUNS = 3;

    private Timing() {}

    /** Runs {@code body} for about a second (at least three times), then {@code runs} times; returns the fastest in seconds. */
    public static double bestOf(int runs, Runnable body) {
        long start = System.nanoTime();
        for (int i = 0; i < WARMUP_MIN_RUNS || System.nanoTime() - start < WARMUP_NANOS; i++) body.run();
        long best = Long.MAX_VALUE;
        for (int i = 0; i < runs; i++) {
            long t = System.nanoTime();
            body.run();
            best = Math.min(best, System.nanoTime() - t);
        }
        return best * 1e-9;
    }
}
