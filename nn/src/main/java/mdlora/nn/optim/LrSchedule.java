package mdlora.nn.optim;

/** A learning-rate schedule: the multiplier of the base learning rate after a number of steps. */
@FunctionalInterface
public interface LrSchedule {
    /**
     * The factor for the update that follows {@code step} scheduler steps (0 for the first update).
     * @param step scheduler steps taken, from 0
     * @return the factor applied to each group's base learning rate
     */
    double factor(int step);
}
