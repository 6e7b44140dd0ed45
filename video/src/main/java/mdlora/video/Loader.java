package mdlora.video;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import mdlora.tensor.Rng;
import mdlora.tensor.Tensor;

/**
 * Batches of clips from one or more domains, decoded on worker threads ahead of use. The order of
 * batches, their clips and every random draw are fixed by the seed and epoch when the epoch starts,
 * each clip with its own random stream, so the batches are the same whatever the number of workers.
 * Workers fill at most {@code prefetch} batches ahead of the consumer. A clip that cannot be read
 * ({@link IOException}, e.g. a {@link VideoFormatException}) is left out of its batch and the epoch
 * goes on; it is logged with its file and cause the first time only, and listed in {@link #unreadable()}.
 */
public final class Loader implements AutoCloseable {
    /** How batches draw on domains. */
    public enum Mixing {
        /** Every batch holds clips of one domain; the batches of all domains are interleaved. */
        PER_DOMAIN,
        /** Batches hold clips of any domains. */
        MIXED
    }

    /**
     * How a {@link Loader} batches and reads.
     *
     * @param batchSize clips per batch
     * @param workers   decoding threads
     * @param prefetch  batches decoded ahead of the consumer
     * @param seed      fixes order and augmentation
     * @param train     shuffle, augment ({@link ClipSource#train}) and drop the last partial batch;
     *                  else keep the datasets' order and use {@link ClipSource#eval}
     * @param mixing    per-domain or mixed batches
     */
    public record Options(int batchSize, int workers, int prefetch, long seed, boolean train, Mixing mixing) {
        /** Checks that the counts are positive. */
        public Options {
            if (batchSize < 1 || workers < 1 || prefetch < 1)
                throw new IllegalArgumentException("batch size, workers and prefetch must be positive, got " + batchSize + ", " + workers + ", " + prefetch);
        }
    }

    /**
     * One clip of a planned batch: which domain and clip, and the seed of its random draws (augmentation of a
     * training loader).
     *
     * @param domain index of the clip's dataset in the loader's list
     * @param clip   the clip and its label
     * @param seed   seed of the clip's {@link Rng} (frames, crop, flip); unused when evaluating
     */
    public record Slot(int domain, ClipRecord clip, long seed) {}

    private final List<Dataset> domains;
    private final ClipSource source;
    private final Options options;
    private final Consumer<String> log;
    private final ExecutorService workers;
    private final AtomicInteger skipped = new AtomicInteger();
    private final Set<Path> unreadable = ConcurrentHashMap.newKeySet();

    /**
     * A loader over the datasets of every domain; nothing is read until {@link #epoch} is called.
     *
     * @param domains one dataset per domain; a batch's domain indices refer to this list
     * @param source  reads and transforms each clip
     * @param options batch size, workers, prefetch, mixing, training or evaluation, seed
     * @param log     receives one line per unreadable clip, the first time it fails
     */
    public Loader(List<Dataset> domains, ClipSource source, Options options, Consumer<String> log) {
        if (domains.isEmpty()) throw new IllegalArgumentException("a loader needs at least one dataset");
        this.domains = List.copyOf(domains);
        this.source = source;
        this.options = options;
        this.log = log;
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(options.workers(), r -> {
            Thread t = new Thread(r, "mdlora-loader-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** {@return clips skipped as unreadable so far, over all epochs} */
    public int skipped() {
        return skipped.get();
    }

    /** {@return the clips that could not be read so far, each once, in path order} */
    public List<Path> unreadable() {
        return unreadable.stream().sorted().toList();
    }

    /** {@return batches one epoch plans (fewer come out when every clip of a batch is skipped)} */
    public int batchesPerEpoch() {
        return plan(0).size();
    }

    /**
     * Starts epoch {@code epoch}: its batches in order. Close it to stop its prefetching early.
     *
     * @param epoch 0-based epoch number; it seeds the epoch's shuffle and draws
     * @return the epoch's batches, decoded ahead
     */
    public Epoch epoch(int epoch) {
        return new Epoch(plan(epoch));
    }

    private List<List<Slot>> plan(int epoch) {
        Rng rng = new Rng(options.seed() ^ (epoch + 1) * 0x9E3779B97F4A7C15L);
        List<List<Slot>> groups = new ArrayList<>();
        for (int d = 0; d < domains.size(); d++) {
            List<Slot> slots = new ArrayList<>();
            for (ClipRecord c : domains.get(d).clips()) slots.add(new Slot(d, c, ((long) rng.nextInt() << 32) ^ (rng.nextInt() & 0xFFFFFFFFL)));
            if (options.mixing() == Mixing.MIXED && !groups.isEmpty()) groups.getFirst().addAll(slots);
            else groups.add(slots);
        }
        List<List<Slot>> batches = new ArrayList<>();
        for (List<Slot> group : groups) {
            if (options.train()) shuffle(group, rng);
            int end = options.train() ? group.size() - group.size() % options.batchSize() : group.size();
            for (int s = 0; s < end; s += options.batchSize()) batches.add(group.subList(s, Math.min(end, s + options.batchSize())));
        }
        if (options.train() && groups.size() > 1) shuffle(batches, rng);
        return batches;
    }

    private static <T> void shuffle(List<T> list, Rng rng) {
        for (int i = list.size() - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            list.set(j, list.set(i, list.get(j)));
        }
    }

    /**
     * Starts decoding one batch planned by the caller (a sampler that draws its own batches) on the workers;
     * {@link Pending#batch()} waits for it. {@link Options#batchSize()} and {@link Options#mixing()} do not apply.
     *
     * @param slots the batch's clips, in batch order
     * @return the batch being decoded
     */
    public Pending submit(List<Slot> slots) {
        return new Pending(List.copyOf(slots), slots.stream().map(s -> workers.submit(() -> load(s))).toList());
    }

    private Tensor load(Slot slot) throws IOException {
        Path path = slot.clip().path();
        return options.train() ? source.train(path, new Rng(slot.seed())) : source.eval(path);
    }

    /** Stops the worker threads; clips not yet started are cancelled, so an open epoch fails rather than waits. */
    @Override
    public void close() {
        for (Runnable notStarted : workers.shutdownNow()) ((Future<?>) notStarted).cancel(false);
    }

    /** The batches of one epoch, decoded ahead on the loader's workers. */
    public final class Epoch implements Iterator<Batch>, AutoCloseable {
        private final Iterator<List<Slot>> planned;
        private final ArrayDeque<Pending> inFlight = new ArrayDeque<>();
        private Batch ready;

        private Epoch(List<List<Slot>> plan) {
            planned = plan.iterator();
            while (inFlight.size() < options.prefetch() && planned.hasNext()) submitNext();
        }

        private void submitNext() {
            inFlight.add(submit(planned.next()));
        }

        @Override
        public boolean hasNext() {
            while (ready == null && !inFlight.isEmpty()) {
                Pending p = inFlight.poll();
                if (planned.hasNext()) submitNext();
                ready = p.batch();
            }
            return ready != null;
        }

        @Override
        public Batch next() {
            if (!hasNext()) throw new NoSuchElementException("the epoch has no more batches");
            Batch b = ready;
            ready = null;
            return b;
        }

        /** Cancels the batches still being decoded. */
        @Override
        public void close() {
            for (Pending p : inFlight) p.cancel();
            inFlight.clear();
        }
    }

    /** A batch being decoded on the loader's workers. */
    public final class Pending {
        private final List<Slot> slots;
        private final List<Future<Tensor>> clips;

        private Pending(List<Slot> slots, List<Future<Tensor>> clips) {
            this.slots = slots;
            this.clips = clips;
        }

        /**
         * Waits for the clips: the batch of those that loaded (each one that did not is logged and counted), or null when none did.
         *
         * @return the loaded clips in slot order, or null
         */
        public Batch batch() {
            List<Tensor> tensors = new ArrayList<>();
            List<Slot> loaded = new ArrayList<>();
            for (int i = 0; i < slots.size(); i++) {
                Slot slot = slots.get(i);
                try {
                    tensors.add(clips.get(i).get());
                    loaded.add(slot);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof IOException cause)) throw new IllegalStateException("loading " + slot.clip().path() + " failed", e.getCause());
                    skipped.incrementAndGet();
                    if (unreadable.add(slot.clip().path()))
                        log.accept("skipped " + (cause instanceof VideoFormatException ? cause.getMessage() : slot.clip().path() + ": " + cause)
                                + " (left out of every epoch; logged once)");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for clip " + slot.clip().path(), e);
                }
            }
            if (loaded.isEmpty()) return null;
            return new Batch(Tensor.stack(0, tensors.toArray(Tensor[]::new)),
                    loaded.stream().mapToInt(s -> s.clip().label()).toArray(),
                    loaded.stream().mapToInt(Slot::domain).toArray(),
                    loaded.stream().map(s -> s.clip().path()).toList());
        }

        /** Stops decoding this batch's clips. */
        public void cancel() {
            clips.forEach(f -> f.cancel(true));
        }
    }
}
