package mdlora.nn.optim;

import java.util.List;
import java.util.Map;
import mdlora.tensor.Tensor;

/**
 * Drives an optimiser's learning rates by a {@link LrSchedule}: every group's rate is its base rate (its rate
 * when the scheduler was made) times the schedule's factor, as PyTorch's closed-form schedulers. Call
 * {@link #step()} after each {@code optimizer.step()}.
 */
public final class LrScheduler {
    private final List<ParamGroup> groups;
    private final double[] baseLrs;
    private final LrSchedule schedule;
    private int lastEpoch;

    /**
     * Sets the rates for the first update ({@code factor(0)}).
     * @param optimizer the optimiser whose groups' rates are set
     * @param schedule the factor for each step
     */
    public LrScheduler(Optimizer optimizer, LrSchedule schedule) {
        this.groups = optimizer.groups();
        this.baseLrs = groups.stream().mapToDouble(ParamGroup::lr).toArray();
        this.schedule = schedule;
        apply();
    }

    /** Advances the schedule by one step. */
    public void step() {
        lastEpoch++;
        apply();
    }

    /**
     * How many times {@link #step()} has been called (PyTorch's {@code last_epoch}).
     * @return the number of steps taken
     */
    public int lastEpoch() {
        return lastEpoch;
    }

    private void apply() {
        double f = schedule.factor(lastEpoch);
        for (int g = 0; g < groups.size(); g++) groups.get(g).setLr(baseLrs[g] * f);
    }

    /**
     * The state to resume from: {@code last_epoch}.
     * @return {@code last_epoch} as a tensor
     */
    public Map<String, Tensor> stateDict() {
        return Map.of("last_epoch", Tensor.scalar(lastEpoch));
    }

    /**
     * Restores a {@link #stateDict()} and sets the learning rates to match it.
     * @param dict a state dict from {@link #stateDict()}
     */
    public void loadStateDict(Map<String, Tensor> dict) {
        Tensor t = dict.get("last_epoch");
        if (t == null || dict.size() != 1) throw new IllegalArgumentException("scheduler state must hold exactly 'last_epoch', got " + dict.keySet());
        if (t.item() < 0 || t.item() != Math.rint(t.item())) throw new IllegalArgumentException("scheduler state 'last_epoch' must be a count, got " + t.item());
        lastEpoch = (int) t.item();
        apply();
    }
}
