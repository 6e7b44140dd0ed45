package mdlora.nn.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import mdlora.autograd.Variable;
import mdlora.nn.ViTConfig;
import mdlora.nn.VisionTransformer;
import mdlora.tensor.Rng;
import mdlora.tensor.Tensor;
import org.junit.jupiter.api.Test;

class OptimizerTest {
    private static Variable withGrad(float[] value, float[] grad) {
        Variable p = Variable.parameter(Tensor.of(value, value.length));
        p.setGrad(Tensor.of(grad, grad.length));
        return p;
    }

    @Test
    void clippingScalesToTheMaximumNormAndReturnsTheNormBefore() {
        Variable a = withGrad(new float[2], new float[] {3, 0}), b = withGrad(new float[1], new float[] {4});
        assertEquals(5, GradClipping.clipGradNorm(List.of(a, b), 1), 1e-6);
        assertEquals(3 / (5 + 1e-6), a.grad().get(0), 1e-6);
        assertEquals(4 / (5 + 1e-6), b.grad().get(0), 1e-6);
        assertEquals(1, GradClipping.clipGradNorm(List.of(a, b), 10), 1e-5);
        assertEquals(3 / (5 + 1e-6), a.grad().get(0), 1e-6, "below the maximum nothing changes");
        Variable nan = withGrad(new float[1], new float[] {Float.NaN});
        assertThrows(ArithmeticException.class, () -> GradClipping.clipGradNorm(List.of(a, nan), 1));
    }

    @Test
    void parametersWithoutGradientAreLeftAlone() {
        Variable p = Variable.parameter(Tensor.ones(3)), q = withGrad(new float[] {1, 1}, new float[] {1, 1});
        AdamW opt = new AdamW(List.of(p, q), 0.1, 0.5);
        opt.step();
        assertTrue(p.data().allClose(Tensor.ones(3), 0, 0));
        assertTrue(opt.stateDict().keySet().stream().noneMatch(k -> k.startsWith("state.0.")));
        assertEquals(1, opt.stateDict().get("state.1.step").item());
    }

    @Test
    void nonFiniteGradientIsRefused() {
        Variable p = withGrad(new float[] {1}, new float[] {Float.POSITIVE_INFINITY});
        var e = assertThrows(ArithmeticException.class, () -> new SGD(List.of(p), 0.1, 0, false, 0).step());
        assertTrue(e.getMessage().contains("NaN or Inf"), e.getMessage());
    }

    @Test
    void weightDecayGroupsExemptVectorsBiasesAndEmbeddings() {
        ViTConfig config = new ViTConfig(8, 4, 12, 2, 2, 24, 5, 1e-6f, ViTConfig.HALF, ViTConfig.HALF);
        Map<String, Variable> named = new VisionTransformer(config, new Rng(0)).namedParameters();
        List<ParamGroup> groups = ParamGroup.splitWeightDecay(named, 1e-3, 0.05, Set.of("cls_token", "pos_embed"));
        assertEquals(0, groups.get(0).weightDecay());
        assertEquals(0.05, groups.get(1).weightDecay());
        List<Variable> decayed = groups.get(1).params();
        named.forEach((name, p) -> {
            boolean shouldDecay = name.endsWith(".weight") && !name.contains("norm");
            assertEquals(shouldDecay, decayed.contains(p), name);
        });
    }

    @Test
    void loadingStateOfOtherParametersIsRefused() {
        Variable p = withGrad(new float[3], new float[] {1, 2, 3});
        AdamW opt = new AdamW(List.of(p), 0.1, 0);
        opt.step();
        Map<String, Tensor> state = opt.stateDict();
        AdamW smaller = new AdamW(List.of(withGrad(new float[2], new float[2])), 0.1, 0);
        var e = assertThrows(IllegalArgumentException.class, () -> smaller.loadStateDict(state));
        assertTrue(e.getMessage().contains("exp_avg") && e.getMessage().contains("3 values"), e.getMessage());
        AdamW twoParams = new AdamW(List.of(withGrad(new float[3], new float[3])), 0.1, 0);
        var extra = new java.util.HashMap<>(state);
        extra.put("state.1.exp_avg", Tensor.zeros(3));
        assertThrows(IllegalArgumentException.class, () -> twoParams.loadStateDict(extra));
    }

    @Test
    void schedulesFollowTheirFormulas() {
        WarmupCosine wc = new WarmupCosine(4, 12, 0.25, 0.1);
        assertEquals(0.25, wc.factor(0), 1e-12);
        assertEquals(0.625, wc.factor(2), 1e-12);
        assertEquals(1, wc.factor(4), 1e-12);
        assertEquals(0.55, wc.factor(8), 1e-12); // half way down the cosine
        assertEquals(0.1, wc.factor(12), 1e-12);
        assertEquals(0.1, wc.factor(50), 1e-12);
        MultiStepLR ms = new MultiStepLR(new int[] {2, 5}, 0.5);
        assertEquals(1, ms.factor(1));
        assertEquals(0.5, ms.factor(2));
        assertEquals(0.25, ms.factor(7));
        assertThrows(IllegalArgumentException.class, () -> new MultiStepLR(new int[] {5, 2}, 0.5));
        assertThrows(IllegalArgumentException.class, () -> new WarmupCosine(10, 10, 0, 0));
    }

    @Test
    void schedulerScalesEachGroupsOwnBaseRate() {
        Variable a = Variable.parameter(Tensor.ones(1)), b = Variable.parameter(Tensor.ones(1));
        SGD opt = new SGD(List.of(new ParamGroup(List.of(a), 0.1, 0), new ParamGroup(List.of(b), 0.01, 0)), 0, false);
        LrScheduler s = new LrScheduler(opt, new MultiStepLR(new int[] {1}, 0.1));
        s.step();
        assertEquals(0.01, opt.groups().get(0).lr(), 1e-12);
        assertEquals(0.001, opt.groups().get(1).lr(), 1e-12);
        assertNull(a.grad());
    }
}
