package mdlora.tensor;

import java.lang.ref.WeakReference;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * New zeroed float arrays for large tensors, some of them made ahead of time by idle pool workers.
 *
 * <p>Why: the JVM zeroes every new array on the thread that allocates it, and a big array lands in memory
 * no cache holds, so zeroing runs at memory speed (about 18 GB/s on the 2-core machines here, 270 us for
 * a 1600 x 768 activation). The calling thread allocates each kernel's output before the kernel starts,
 * so in a ViT step that zeroing was a fifth of the calling thread's time, all of it serial, while the
 * other core spun waiting for the next kernel. Here a worker with nothing to do zeroes the next arrays
 * of the lengths recently asked for, and the caller takes one instead of zeroing its own.
 *
 * <p>Every array handed out is new: made by {@code new float[n]}, never handed out before, never
 * written to. Nothing is recycled, so no lifetime can go wrong. Spares are held through weak
 * references: a garbage collection drops them instead of copying them, and the workers make new ones.
 */
final class ZeroedArrays {
    /** Below this length (256 KiB) a new array comes from a thread-local buffer and is cheap to zero in place. */
    static final int MIN_LENGTH = 1 << 16;
    /** The most spares kept of one length: a ViT block asks for up to this many arrays of one shape. */
    private static final int MAX_SPARES = 6;
    /** The most bytes kept in spares, whatever the lengths. */
    private static final long MAX_BYTES = 192L << 20;
    /** The most distinct lengths tracked; later lengths are simply allocated. */
    private static final int MAX_LENGTHS = 64;

    private static final ConcurrentHashMap<Integer, Spares> BY_LENGTH = new ConcurrentHashMap<>();
    private static final AtomicLong WANTED_BYTES = new AtomicLong();
    /** Large arrays taken so far; a length can fall short of spares only when this moves. */
    private static final AtomicLong TAKEN = new AtomicLong();
    /** {@link #TAKEN} when the workers last found no length short: until it moves they need not look again. */
    private static volatile long checkedAt = -1;

    private ZeroedArrays() {}

    /** A new zeroed array of {@code n} floats: a spare when one of that length is ready, else made here. */
    static float[] take(int n) {
        if (n < MIN_LENGTH) return new float[n];
        Spares spares = BY_LENGTH.get(n);
        if (spares == null && BY_LENGTH.size() < MAX_LENGTHS) spares = BY_LENGTH.computeIfAbsent(n, Spares::new);
        if (spares == null) return new float[n];
        TAKEN.incrementAndGet();
        float[] a = spares.poll();
        if (a != null) return a;
        spares.missed();
        return new float[n];
    }

    /**
     * Makes one spare of a length that is short of them; an idle worker's task between polls for work.
     *
     * @return false when no length is short, so the caller can wait instead
     */
    static boolean makeOne() {
        long taken = TAKEN.get();
        if (taken == checkedAt) return false;
        for (Spares s : BY_LENGTH.values()) if (s.fillOne()) return true;
        checkedAt = taken;
        return false;
    }

    /** How many spares of length {@code n} are ready (some may since have been collected); for tests. */
    static int ready(int n) {
        Spares s = BY_LENGTH.get(n);
        return s == null ? 0 : s.count.get();
    }

    /** The spares of one length, and how many of them to keep: one more each time a caller found none. */
    private static final class Spares {
        private final int length;
        private final ConcurrentLinkedQueue<WeakReference<float[]>> ready = new ConcurrentLinkedQueue<>();
        private final AtomicInteger count = new AtomicInteger(), wanted = new AtomicInteger();

        Spares(int length) {
            this.length = length;
        }

        float[] poll() {
            for (WeakReference<float[]> r; (r = ready.poll()) != null; ) {
                count.decrementAndGet();
                float[] a = r.get();
                if (a != null) return a;
            }
            return null;
        }

        void missed() {
            if (wanted.get() < MAX_SPARES && WANTED_BYTES.addAndGet(4L * length) <= MAX_BYTES) wanted.incrementAndGet();
        }

        boolean fillOne() {
            if (count.get() >= wanted.get()) return false;
            ready.add(new WeakReference<>(new float[length]));
            count.incrementAndGet();
            return true;
        }
    }
}
