package mdlora.tensor;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one thread pool every kernel uses. Its size comes from one setting: {@link #setThreads(int)},
 * else the environment variable {@code MDLORA_THREADS}, else the number of available processors.
 */
public final class Parallel {
    /** Work on the half-open range {@code [start, end)}. */
    @FunctionalInterface
    public interface RangeBody {
        /**
         * Does the work for indices {@code start} (inclusive) to {@code end} (exclusive).
         *
         * @param start the first index of the chunk
         * @param end one past the last index of the chunk
         */
        void run(int start, int end);
    }

    private static volatile ForkJoinPool pool = newPool(defaultThreads());

    private Parallel() {}

    private static int defaultThreads() {
        String env = System.getenv("MDLORA_THREADS");
        if (env != null && !env.isBlank()) {
            try {
                int n = Integer.parseInt(env.trim());
                if (n >= 1) return n;
            } catch (NumberFormatException ignored) {
                // fall through to the error below
            }
            throw new IllegalArgumentException("MDLORA_THREADS must be a positive integer, got '" + env + "'");
        }
        return Runtime.getRuntime().availableProcessors();
    }

    private static ForkJoinPool newPool(int threads) {
        // a worker's pool index is assigned only after the factory returns, so number the names here
        AtomicInteger created = new AtomicInteger();
        return new ForkJoinPool(threads, p -> {
            var t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
            t.setName("mdlora-" + created.getAndIncrement());
            t.setDaemon(true);
            return t;
        }, null, false);
    }

    /**
     * Number of threads kernels run on.
     *
     * @return the thread count, at least 1
     */
    public static int threads() {
        return pool.getParallelism();
    }

    /**
     * Sets the number of threads kernels run on (at least 1).
     *
     * @param threads the new thread count, at least 1
     */
    public static synchronized void setThreads(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        if (threads == threads()) return;
        ForkJoinPool old = pool;
        pool = newPool(threads);
        old.shutdown();
    }

    /**
     * Runs {@code body} over {@code [0, n)} split into contiguous chunks of at least {@code grain} items,
     * on the pool. Small ranges, one thread, or a call from inside the pool run inline.
     *
     * @param n the number of items
     * @param grain the smallest chunk worth a task
     * @param body runs one chunk {@code [start, end)}
     */
    public static void range(int n, int grain, RangeBody body) {
        if (n <= 0) return;
        int threads = threads();
        int chunks = Math.min(threads, Math.max(1, n / Math.max(1, grain)));
        if (chunks <= 1 || (Thread.currentThread() instanceof java.util.concurrent.ForkJoinWorkerThread w && w.getPool() == pool)) {
            body.run(0, n);
            return;
        }
        pool.invoke(new Chunks(body, n, chunks, 0, chunks));
    }

    /**
     * Runs {@code body(i)} for every {@code i} in {@code [0, n)}, split as finely as the pool allows (for coarse items).
     *
     * @param n the number of items
     * @param body runs item {@code i}
     */
    public static void forEach(int n, java.util.function.IntConsumer body) {
        range(n, 1, (s, e) -> {
            for (int i = s; i < e; i++) body.accept(i);
        });
    }

    /** Splits [0,n) into {@code chunks} equal parts; tasks [lo,hi) of them, halving recursively. */
    private static final class Chunks extends RecursiveAction {
        private final RangeBody body;
        private final int n, chunks, lo, hi;

        Chunks(RangeBody body, int n, int chunks, int lo, int hi) {
            this.body = body;
            this.n = n;
            this.chunks = chunks;
            this.lo = lo;
            this.hi = hi;
        }

        @Override
        protected void compute() {
            if (hi - lo == 1) {
                body.run((int) ((long) n * lo / chunks), (int) ((long) n * hi / chunks));
                return;
            }
            int mid = (lo + hi) >>> 1;
            invokeAll(new Chunks(body, n, chunks, lo, mid), new Chunks(body, n, chunks, mid, hi));
        }
    }
}
