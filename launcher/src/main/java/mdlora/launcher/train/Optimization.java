package mdlora.launcher.train;

import java.util.Map;
import java.util.Set;
import mdlora.autograd.Variable;
import mdlora.launcher.config.Settings;
import mdlora.nn.optim.AdamW;
import mdlora.nn.optim.LrSchedule;
import mdlora.nn.optim.LrScheduler;
import mdlora.nn.optim.MultiStepLR;
import mdlora.nn.optim.Optimizer;
import mdlora.nn.optim.ParamGroup;
import mdlora.nn.optim.SGD;
import mdlora.nn.optim.WarmupCosine;

/** The optimiser and learning-rate schedule a config asks for, over the trainable parameters. */
public record Optimization(Optimizer optimizer, LrScheduler scheduler) {
    /** Parameters exempt from weight decay besides vectors and biases (timm's no_weight_decay of a ViT, DeiT's distillation token included). */
    static final Set<String> NO_DECAY = Set.of("cls_token", "dist_token", "pos_embed");

    /**
     * AdamW or SGD in timm's two groups (no decay on vectors, biases, class and distillation tokens and position embedding),
     * and the schedule over {@code steps}: a linear warmup (from lr/(warmup+1), so the first step already
     * moves), then cosine to 0, steps of x gamma at the milestones (PyTorch's MultiStepLR), or constant.
     */
    public static Optimization of(Settings config, Map<String, Variable> trainable, int steps) {
        double lr = config.train.lr, wd = config.train.weightDecay;
        var groups = ParamGroup.splitWeightDecay(trainable, lr, wd, NO_DECAY);
        if (groups.isEmpty()) throw new IllegalArgumentException("nothing to train: the model has no trainable parameters");
        Optimizer optimizer = switch (config.train.optimizer) {
            case SGD -> new SGD(groups, config.train.momentum, false);
            case ADAMW -> new AdamW(groups, 0.9, 0.999, 1e-8);
        };
        return new Optimization(optimizer, new LrScheduler(optimizer, schedule(config, steps)));
    }

    private static LrSchedule schedule(Settings config, int steps) {
        int warmup = Math.min(config.train.warmup, Math.max(0, steps - 1));
        return switch (config.train.schedule) {
            case COSINE -> new WarmupCosine(warmup, Math.max(steps, warmup + 1), start(warmup), 0);
            case STEP -> withWarmup(warmup, new MultiStepLR(config.train.milestoneSteps(steps), config.train.gamma));
            case CONSTANT -> withWarmup(warmup, step -> 1);
        };
    }

    private static LrSchedule withWarmup(int warmup, LrSchedule after) {
        double start = start(warmup);
        return step -> step < warmup ? (start + (1 - start) * step / warmup) * after.factor(step) : after.factor(step);
    }

    private static double start(int warmup) {
        return 1.0 / (warmup + 1);
    }
}
