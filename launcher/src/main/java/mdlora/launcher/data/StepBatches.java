package mdlora.launcher.data;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import mdlora.video.Batch;
import mdlora.video.Loader;

/**
 * The training batch of each step, as its {@link StepPlan} draws it, decoded ahead on the loader's workers:
 * the batch of a step is fixed by the seed alone, so a resumed run starts at the very batch where it stopped
 * without replaying earlier ones. The next {@code prefetch} steps decode while a step computes.
 */
public final class StepBatches implements AutoCloseable {
    /** Fresh draws for a step none of whose clips could be loaded, before giving up: all failing means nearly every clip is broken. */
    private static final int RETRIES = 32;

    private record Ahead(int step, Loader.Pending pending) {}

    private final Loader loader;
    private final StepPlan plan;
    private final int prefetch;
    private final ArrayDeque<Ahead> ahead = new ArrayDeque<>();
    /** The next step's rows decoding ahead, by row range (a worker JVM may serve several ranks). */
    private final Map<Long, Ahead> aheadShares = new HashMap<>();
    private int lastStep = -1;
    private Batch last;

    /** @param prefetch steps decoded ahead of the one asked for */
    public StepBatches(Loader loader, StepPlan plan, int prefetch) {
        this.loader = loader;
        this.plan = plan;
        this.prefetch = prefetch;
    }

    /** The batch of step {@code step} (0-based); fastest when steps come in order, and the same step twice in a row is free. */
    public Batch at(int step) {
        if (step == lastStep) return last;
        if (!ahead.isEmpty() && ahead.peek().step() != step) cancelAhead();
        fillFrom(step);
        Batch b = ahead.poll().pending().batch();
        fillFrom(step + 1);
        for (int attempt = 1; b == null; attempt++) {
            if (attempt > RETRIES)
                throw new IllegalStateException("no clip of step " + (step + 1) + "'s batch could be loaded in " + (RETRIES + 1)
                        + " draws (see the skipped clips above): the training clips are mostly unreadable");
            b = loader.submit(plan.retry(step, attempt)).batch();
        }
        last = b;
        lastStep = step;
        return b;
    }

    /**
     * Rows [from, to) of step {@code step}'s planned batch, decoded alone: a data-parallel task's share, so
     * that the tasks of a step decode its batch once between them rather than once each. The same rows of
     * the next step decode ahead while this share computes. Rows that fail to load drop out (null when all
     * do; a step none of whose clips load is not redrawn, as {@link #at} redraws it).
     */
    public Batch share(int step, int from, int to) {
        long rows = (long) from << 32 | to;
        Ahead a = aheadShares.remove(rows);
        if (a != null && a.step() != step) a.pending().cancel();
        Loader.Pending p = a != null && a.step() == step ? a.pending() : loader.submit(plan.slots(step).subList(from, to));
        aheadShares.put(rows, new Ahead(step + 1, loader.submit(plan.slots(step + 1).subList(from, to))));
        return p.batch();
    }

    /** The domain of each clip of step {@code step}'s planned batch, in batch order (no decoding). */
    public int[] plannedDomains(int step) {
        return plan.slots(step).stream().mapToInt(Loader.Slot::domain).toArray();
    }

    /** Queues steps from {@code step} on (or from after the last one queued) until {@code prefetch} are in flight. */
    private void fillFrom(int step) {
        int next = ahead.isEmpty() ? step : ahead.peekLast().step() + 1;
        while (ahead.size() < Math.max(1, prefetch)) {
            ahead.add(new Ahead(next, loader.submit(plan.slots(next))));
            next++;
        }
    }

    private void cancelAhead() {
        for (Ahead a : ahead) a.pending().cancel();
        ahead.clear();
    }

    /** The training clips that could not be read so far. */
    public List<Path> unreadable() {
        return loader.unreadable();
    }

    /** Clips in one step's planned batch. */
    public int clipsPerStep() {
        return plan.clipsPerStep();
    }

    /** Steps in one epoch (see {@link StepPlan#perEpoch}). */
    public int perEpoch() {
        return plan.perEpoch();
    }

    @Override
    public void close() {
        cancelAhead();
        aheadShares.values().forEach(a -> a.pending().cancel());
        loader.close();
    }
}
