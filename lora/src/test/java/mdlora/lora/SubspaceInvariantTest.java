package mdlora.lora;

import static org.junit.jupiter.api.Assertions.assertTrue;

import mdlora.autograd.Variable;
import mdlora.lora.video.VideoClassifier;
import mdlora.nn.optim.AdamW;
import mdlora.tensor.Rng;
import org.junit.jupiter.api.Test;

/**
 * Takama et al.'s guarantee, checked after training: whatever AdamW (per-element scaling, weight decay) does to
 * the raw factors, the shared update stays in col(W) and each domain's in its left null space, because the
 * forward pass only ever uses the projected B.
 */
class SubspaceInvariantTest {
    private static final double TOLERANCE = 1e-5;

    /** Trains 50 AdamW steps with weight decay on random clips of both domains; returns the worst residuals {shared, domain}. */
    private static double[] trainAndMeasure(boolean constrained) {
        VideoClassifier model = TinyVideo.model(1);
        LoraConfig config = LoraConfig.builder().placement(Placement.allFlat()).rank(4).subspaceConstraints(constrained)
                .mixer(MixerInit.KAIMING_UNIFORM).tau(0.9).build();
        MultiDomainLora lora = model.attachLora(config, new Rng(2));
        AdamW opt = new AdamW(lora.trainableParameters(), 1e-2, 0.1);
        Rng data = new Rng(3);
        for (int step = 0; step < 50; step++) {
            Variable clips = Variable.constant(data.normal(0, 1, 3, 2, 3, 16, 16));
            int[] domains = {step % 2, 1 - step % 2, step % 2};
            int[] labels = {data.nextInt(3), data.nextInt(3), data.nextInt(3)};
            Variable loss = model.forward(clips, domains).loss(labels, 0f).add(lora.separationLoss());
            opt.zeroGrad();
            loss.backward();
            opt.step();
        }
        double shared = 0, domain = 0;
        for (LoraLinear l : lora.layers().values()) {
            WeightSubspaces ws = WeightSubspaces.of(l.path(), l.base().weight().data(), 0.9, false);
            assertTrue(l.shared().delta().abs().sumAll() > 0, "the shared LoRA trained");
            shared = Math.max(shared, ws.column().residual(l.shared().delta()));
            for (LoraBranch b : l.domains()) {
                assertTrue(b.delta().abs().sumAll() > 0, "every domain LoRA trained");
                domain = Math.max(domain, ws.nullSpace().residual(b.delta()));
            }
        }
        return new double[] {shared, domain};
    }

    @Test
    void updatesStayInTheirSubspacesAfterAdamWWithWeightDecay() {
        double[] r = trainAndMeasure(true);
        assertTrue(r[0] <= TOLERANCE, "shared update leaves col(W): relative residual " + r[0]);
        assertTrue(r[1] <= TOLERANCE, "a domain update leaves the left null space: relative residual " + r[1]);
    }

    @Test
    void withoutConstraintsTheCheckFails() {
        double[] r = trainAndMeasure(false);
        assertTrue(r[0] > 100 * TOLERANCE && r[1] > 100 * TOLERANCE, "unconstrained updates should leave the subspaces: " + r[0] + ", " + r[1]);
    }
}
