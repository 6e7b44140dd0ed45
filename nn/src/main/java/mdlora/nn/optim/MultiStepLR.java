package mdlora.nn.optim;

import java.util.Arrays;

/** PyTorch's {@code MultiStepLR}: the factor is {@code gamma^k} after passing k of the milestones. */
public final class MultiStepLR implements LrSchedule {
    private final int[] milestones;
    private final double gamma;

    /**
     * {@code milestones}: scheduler steps in increasing order.
     * @param milestones scheduler steps at which the rate is multiplied by {@code gamma}, increasing
     * @param gamma the factor applied at each milestone, e.g. 0.1
     */
    public MultiStepLR(int[] milestones, double gamma) {
        for (int i = 1; i < milestones.length; i++)
            if (milestones[i] <= milestones[i - 1]) throw new IllegalArgumentException("milestones must increase, got " + Arrays.toString(milestones));
        if (!(gamma > 0)) throw new IllegalArgumentException("gamma must be positive, got " + gamma);
        this.milestones = milestones.clone();
        this.gamma = gamma;
    }

    @Override
    public double factor(int step) {
        int passed = 0;
        while (passed < milestones.length && milestones[passed] <= step) passed++;
        return Math.pow(gamma, passed);
    }
}
