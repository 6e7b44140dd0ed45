package mdlora.launcher.data;

import java.nio.file.Path;
import java.util.List;
import mdlora.video.Batch;
import mdlora.video.Loader;

/**
 * The training batch of each step: step t is batch t mod E of epoch t div E (E batches an epoch), so
 * the batch of a step is fixed by the seed alone and a resumed run picks up at the very batch where it
 * stopped (replaying its epoch's earlier batches from the frame cache to get there).
 */
public final class StepBatches implements AutoCloseable {
    private final Loader loader;
    private final int perEpoch;
    private Loader.Epoch current;
    private int epoch = -1, next, lastStep = -1;
    private Batch last;

    public StepBatches(Loader loader) {
        this.loader = loader;
        this.perEpoch = loader.batchesPerEpoch();
        if (perEpoch == 0) throw new IllegalArgumentException("the training set has fewer clips than one batch; lower --batch");
    }

    /** The batch of step {@code step} (0-based); fastest when steps come in order, and the same step twice in a row is free. */
    public Batch at(int step) {
        if (step == lastStep) return last;
        last = load(step);
        lastStep = step;
        return last;
    }

    private Batch load(int step) {
        int wantEpoch = step / perEpoch, wantIndex = step % perEpoch;
        if (wantEpoch != epoch || wantIndex != next) open(wantEpoch, wantIndex);
        if (!current.hasNext()) open(epoch + 1, 0); // clips that failed to load emptied the epoch's last batches
        next++;
        return current.next();
    }

    private void open(int newEpoch, int skip) {
        if (current != null) current.close();
        current = loader.epoch(newEpoch);
        epoch = newEpoch;
        next = 0;
        for (; next < skip && current.hasNext(); next++) current.next();
    }

    /** The training clips that could not be read so far. */
    public List<Path> unreadable() {
        return loader.unreadable();
    }

    /** Batches in one epoch. */
    public int perEpoch() {
        return perEpoch;
    }

    @Override
    public void close() {
        if (current != null) current.close();
        loader.close();
    }
}
