package mdlora.nn.optim;

/** A learning-rate schedule: the multiplier of the base learning rate after a number of steps. */
@FunctionalInterface
public interface LrSchedule {
    /** The factor for the update that follows {@code step} scheduler steps (0 for the first update). */
    double factor(int step);
}
