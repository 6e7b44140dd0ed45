package mdlora.nn.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import mdlora.autograd.Functional;
import mdlora.autograd.Variable;
import mdlora.nn.Golden;
import mdlora.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * 20 steps of each optimiser and schedule on the least-squares problem of make_vit_golden.py, compared step by
 * step with PyTorch's trajectories: learning rates, parameters and (when clipping) gradient norms.
 */
class TrajectoryTest {
    private static final Map<String, Tensor> GOLDEN = Golden.read("trajectories.safetensors");
    private static final int STEPS = 20;

    /** W [3, 4] with weight decay in group 0, b [3] without in group 1, as the script's groups. */
    private final Variable w = Variable.parameter(GOLDEN.get("problem.W").copy());
    private final Variable b = Variable.parameter(GOLDEN.get("problem.b").copy());

    private List<ParamGroup> groups(double lr, double weightDecay) {
        return List.of(new ParamGroup(List.of(w), lr, weightDecay), new ParamGroup(List.of(b), lr, 0));
    }

    private void computeGradients(Optimizer opt) {
        opt.zeroGrad();
        Variable x = Variable.constant(GOLDEN.get("problem.X")), y = Variable.constant(GOLDEN.get("problem.Y"));
        Functional.linear(x, w, b).sub(y).square().mean().backward();
    }

    private float[] params() {
        float[] out = new float[15];
        System.arraycopy(w.data().toArray(), 0, out, 0, 12);
        System.arraycopy(b.data().toArray(), 0, out, 12, 3);
        return out;
    }

    private static void assertClose(float expected, double actual, double rtol, String what) {
        assertTrue(Math.abs(expected - actual) <= 1e-6 + rtol * Math.abs(expected), what + ": expected " + expected + ", got " + actual);
    }

    /** Runs steps [from, to) and checks each against the golden run {@code name}. */
    private void run(String name, Optimizer opt, LrScheduler sched, Double clip, int from, int to) {
        Tensor params = GOLDEN.get(name + ".params"), lrs = GOLDEN.get(name + ".lr"), norms = GOLDEN.get(name + ".grad_norm");
        for (int step = from; step < to; step++) {
            computeGradients(opt);
            if (clip != null) assertClose(norms.get(step), GradClipping.clipGradNorm(opt.params(), clip), 1e-5, name + " grad norm at step " + step);
            assertClose(lrs.get(step), opt.groups().get(0).lr(), 1e-6, name + " lr at step " + step);
            opt.step();
            if (sched != null) sched.step();
            float[] p = params();
            for (int i = 0; i < p.length; i++) assertClose(params.get(step, i), p[i], 1e-6, name + " param " + i + " at step " + step);
        }
    }

    @Test
    void adamWWithParameterGroups() {
        run("adamw", new AdamW(groups(0.05, 0.1), 0.9, 0.99, 1e-8), null, null, 0, STEPS);
    }

    @Test
    void sgdNesterovWithWeightDecayAndClipping() {
        run("sgd_nesterov", new SGD(groups(0.05, 0.01), 0.9, true), null, 0.5, 0, STEPS);
    }

    @Test
    void sgdMomentumWithMultiStepLR() {
        SGD opt = new SGD(groups(0.1, 0), 0.9, false);
        run("sgd_multistep", opt, new LrScheduler(opt, new MultiStepLR(new int[] {5, 12}, 0.1)), null, 0, STEPS);
    }

    @Test
    void adamWWithWarmupCosine() {
        AdamW opt = new AdamW(groups(0.05, 0.1), 0.9, 0.999, 1e-8);
        run("adamw_warmup_cosine", opt, new LrScheduler(opt, new WarmupCosine(5, 20, 0.1, 0.01)), null, 0, STEPS);
    }

    /** Training stopped after 9 steps and resumed from saved state in new objects follows the same trajectory. */
    @Test
    void resumingFromStateDictsContinuesTheSameTrajectory() {
        Function<Optimizer, LrScheduler> schedule = o -> new LrScheduler(o, new WarmupCosine(5, 20, 0.1, 0.01));
        AdamW first = new AdamW(groups(0.05, 0.1), 0.9, 0.999, 1e-8);
        LrScheduler firstSched = schedule.apply(first);
        run("adamw_warmup_cosine", first, firstSched, null, 0, 9);
        Map<String, Tensor> optState = first.stateDict(), schedState = firstSched.stateDict();

        AdamW resumed = new AdamW(groups(0.05, 0.1), 0.9, 0.999, 1e-8);
        LrScheduler resumedSched = schedule.apply(resumed);
        resumed.loadStateDict(optState);
        resumedSched.loadStateDict(schedState);
        assertEquals(9, resumedSched.lastEpoch());
        run("adamw_warmup_cosine", resumed, resumedSched, null, 9, STEPS);
    }

    @Test
    void stateDictNamesFollowPyTorch() {
        AdamW opt = new AdamW(groups(0.05, 0.1), 0.9, 0.999, 1e-8);
        computeGradients(opt);
        opt.step();
        List<String> keys = new ArrayList<>(opt.stateDict().keySet());
        assertEquals(List.of("state.0.step", "state.0.exp_avg", "state.0.exp_avg_sq", "state.1.step", "state.1.exp_avg", "state.1.exp_avg_sq",
                "group.0.lr", "group.1.lr"), keys);
    }
}
