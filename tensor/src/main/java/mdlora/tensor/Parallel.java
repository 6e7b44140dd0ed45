package mdlora.tensor;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The one thread pool every kernel uses. Its size comes from one setting: {@link #setThreads(int)},
 * else the environment variable {@code MDLORA_THREADS}, else the number of available processors.
 *
 * <p>Why not a {@link java.util.concurrent.ForkJoinPool}: a training step runs thousands of kernels of
 * tens of microseconds, and handing one to a parked pool worker (a futex wake-up, then the scheduler)
 * took 14-30 us on these machines, longer than many of the kernels; small products ran slower on two
 * threads than on one. Here the calling thread takes chunks itself, and the workers spin for
 * {@link #SPIN_NANOS} after each job before they park, as OpenMP's do, so the next kernel of a step
 * finds them awake.
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

    /** How long an idle worker keeps polling for the next job before it parks: longer than the gaps inside a step. */
    static final long SPIN_NANOS = 1_000_000;

    private static volatile Pool pool = new Pool(defaultThreads());

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

    /**
     * Number of threads kernels run on: the calling thread and {@code threads() - 1} workers.
     *
     * @return the thread count, at least 1
     */
    public static int threads() {
        return pool.threads;
    }

    /**
     * Sets the number of threads kernels run on (at least 1).
     *
     * @param threads the new thread count, at least 1
     */
    public static synchronized void setThreads(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        if (threads == threads()) return;
        Pool old = pool;
        pool = new Pool(threads);
        old.shutdown();
    }

    /**
     * Runs {@code body} over {@code [0, n)} split into {@code min(threads, n / grain)} equal contiguous
     * chunks, which the calling thread and the workers take in turn. Small ranges, one thread, a call from
     * inside a running job, or a call while another thread's job holds the pool run inline.
     *
     * @param n the number of items
     * @param grain the smallest chunk worth a task
     * @param body runs one chunk {@code [start, end)}
     */
    public static void range(int n, int grain, RangeBody body) {
        if (n <= 0) return;
        Pool p = pool;
        int chunks = Math.min(p.threads, Math.max(1, n / Math.max(1, grain)));
        if (chunks <= 1 || !p.busy.compareAndSet(false, true)) {
            body.run(0, n);
            return;
        }
        try {
            p.run(new Job(body, n, chunks));
        } finally {
            p.busy.set(false);
        }
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

    /** One call of {@link #range}: its chunks, claimed by counter, and the first failure of any of them. */
    private static final class Job {
        final RangeBody body;
        final int n, chunks;
        /** Which job of its pool this is, so a worker knows it has done its part of it without holding on to it. */
        long serial;
        final AtomicInteger next = new AtomicInteger(), finished = new AtomicInteger();
        volatile Throwable failure;

        Job(RangeBody body, int n, int chunks) {
            this.body = body;
            this.n = n;
            this.chunks = chunks;
        }

        /** Runs chunks until none is left unclaimed. */
        void work() {
            for (int c; (c = next.getAndIncrement()) < chunks; ) {
                try {
                    body.run((int) ((long) n * c / chunks), (int) ((long) n * (c + 1) / chunks));
                } catch (Throwable t) {
                    if (failure == null) failure = t;
                } finally {
                    finished.incrementAndGet();
                }
            }
        }
    }

    /** The workers of one thread count, and the job they are on. */
    private static final class Pool {
        final int threads;
        /** Held by the thread whose job the workers are on; a second caller runs its range inline. */
        final AtomicBoolean busy = new AtomicBoolean();
        private final Worker[] workers;
        /** The running job, null between jobs: it must not keep the last job's operands reachable. */
        private volatile Job current;
        private long jobs;
        private volatile boolean stopped;

        Pool(int threads) {
            this.threads = threads;
            workers = new Worker[threads - 1];
            for (int i = 0; i < workers.length; i++) {
                workers[i] = new Worker("mdlora-" + (i + 1));
                workers[i].start();
            }
        }

        /** Publishes {@code job}, works on it, waits for the workers' chunks, and rethrows the first failure. */
        void run(Job job) {
            job.serial = ++jobs;
            current = job;
            for (Worker w : workers) if (w.parked) LockSupport.unpark(w);
            job.work();
            while (job.finished.get() < job.chunks) Thread.onSpinWait();
            current = null;
            Throwable t = job.failure;
            if (t instanceof RuntimeException e) throw e;
            if (t instanceof Error e) throw e;
            if (t != null) throw new IllegalStateException(t);
        }

        void shutdown() {
            stopped = true;
            for (Worker w : workers) LockSupport.unpark(w);
        }

        private final class Worker extends Thread {
            /** Set while parked, so the caller unparks only workers that need it (the check is a volatile read). */
            volatile boolean parked;

            Worker(String name) {
                super(name);
                setDaemon(true);
            }

            @Override
            public void run() {
                long done = 0;
                while (!stopped) done = workOnNext(done);
            }

            /** Works on the first job after job {@code done} and returns its serial. A method of its own so that no
             * local variable of the loop keeps the job, and what its body captured, reachable while this waits. */
            private long workOnNext(long done) {
                Job job = awaitJob(done);
                if (job == null) return done;
                job.work();
                return job.serial;
            }

            /** The first job after job {@code done}: polled for {@link #SPIN_NANOS}, then waited for parked; null on shutdown. */
            private Job awaitJob(long done) {
                long spinUntil = System.nanoTime() + SPIN_NANOS;
                for (Job job; !stopped; ) {
                    if ((job = current) != null && job.serial != done) return job;
                    if (System.nanoTime() < spinUntil) {
                        // zeroing the caller's next outputs here takes that serial work off the caller
                        if (!ZeroedArrays.makeOne()) Thread.onSpinWait();
                        continue;
                    }
                    // the caller publishes the job before it reads parked, and this re-reads the job after setting parked
                    parked = true;
                    if (((job = current) == null || job.serial == done) && !stopped) LockSupport.park(this);
                    parked = false;
                    spinUntil = System.nanoTime() + SPIN_NANOS;
                }
                return null;
            }
        }
    }
}
