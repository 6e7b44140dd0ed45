package mdlora.nn.optim;

/**
 * Linear warmup from {@code warmupStartFactor} to 1 over {@code warmupSteps} steps, then a cosine from 1 down to
 * {@code minFactor} at {@code totalSteps}, flat after that. Equals PyTorch's {@code LambdaLR} with
 * <pre>
 *   t &lt; w:  start + (1 - start) * t / w
 *   else:   min + (1 - min) * (1 + cos(pi * min(1, (t - w) / (total - w)))) / 2
 * </pre>
 * (the recorded golden), and timm's {@code CosineLRScheduler} with {@code warmup_prefix=True},
 * {@code t_initial = total - w}, {@code warmup_lr_init = start * lr}, {@code lr_min = min * lr}.
 */
public final class WarmupCosine implements LrSchedule {
    private final int warmupSteps, totalSteps;
    private final double warmupStartFactor, minFactor;

    /**
     * Factors start at {@code warmupStartFactor}, reach 1 at {@code warmupSteps} and {@code minFactor} at {@code totalSteps}.
     * @param warmupSteps steps of linear warmup
     * @param totalSteps step at which the factor reaches {@code minFactor}
     * @param warmupStartFactor factor at step 0
     * @param minFactor factor at the end of the cosine decay
     */
    public WarmupCosine(int warmupSteps, int totalSteps, double warmupStartFactor, double minFactor) {
        if (warmupSteps < 0 || totalSteps <= warmupSteps)
            throw new IllegalArgumentException("need 0 <= warmup steps < total steps, got warmup " + warmupSteps + ", total " + totalSteps);
        if (!(warmupStartFactor >= 0 && warmupStartFactor <= 1 && minFactor >= 0 && minFactor <= 1))
            throw new IllegalArgumentException("warmup start and minimum factors must be in [0, 1], got " + warmupStartFactor + ", " + minFactor);
        this.warmupSteps = warmupSteps;
        this.totalSteps = totalSteps;
        this.warmupStartFactor = warmupStartFactor;
        this.minFactor = minFactor;
    }

    @Override
    public double factor(int step) {
        if (step < warmupSteps) return warmupStartFactor + (1 - warmupStartFactor) * step / warmupSteps;
        double progress = Math.min(1.0, (double) (step - warmupSteps) / (totalSteps - warmupSteps));
        return minFactor + (1 - minFactor) * 0.5 * (1 + Math.cos(Math.PI * progress));
    }
}
