package mdlora.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import mdlora.autograd.Variable;
import mdlora.nn.Linear;
import mdlora.tensor.Rng;
import mdlora.tensor.Tensor;
import org.junit.jupiter.api.Test;

class LoraBranchTest {
    private static Subspace randomSubspace(int d, int k, long seed) {
        return Subspace.spannedBy(Orthogonal.random(d, new Rng(seed)).slice(1, 0, k));
    }

    @Test
    void deltaIsScaleTimesProjectedBTimesMixerTimesAT() {
        Subspace p = randomSubspace(7, 3, 1);
        LoraBranch b = new LoraBranch(5, 7, 2, 0.25f, false, p, LoraInit.SUBSPACE_RANDOM, MixerInit.KAIMING_UNIFORM, new Rng(2));
        b.loraB().data().copyFromInPlace(new Rng(3).normal(0, 1, 7, 2)); // a raw B sticking out of the subspace
        Tensor expected = p.project(b.loraB().data()).matmul(b.mixer().data()).matmul(b.loraA().data()).mul(0.25f);
        assertTrue(b.delta().allClose(expected, 1e-5, 1e-6));
        assertTrue(p.residual(b.delta()) < 1e-5, "the update stays in the subspace whatever the raw B");
        assertTrue(p.residual(b.loraB().data()) > 0.1, "while the raw B does not");
    }

    @Test
    void initialisations() {
        Subspace p = randomSubspace(6, 2, 4);
        LoraBranch lora = new LoraBranch(4, 6, 3, 1f, false, p, LoraInit.LORA, MixerInit.NONE, new Rng(5));
        assertEquals(0.0, lora.loraB().data().abs().sumAll());
        float bound = (float) (1 / Math.sqrt(4));
        assertTrue(lora.loraA().data().abs().max().item() <= bound);
        LoraBranch paper = new LoraBranch(4, 6, 3, 1f, false, p, LoraInit.SUBSPACE_RANDOM, MixerInit.ORTHOGONAL, new Rng(5));
        assertTrue(paper.loraB().data().abs().sumAll() > 0);
        assertTrue(p.residual(paper.loraB().data()) < 1e-5, "B's columns start projected into the subspace");
        Tensor m = paper.mixer().data();
        assertTrue(m.mT().matmul(m).allClose(Tensor.eye(3), 1e-5, 1e-5), "orthogonal mixer");
        assertTrue(new LoraBranch(4, 6, 3, 1f, false, null, LoraInit.LORA, MixerInit.IDENTITY, new Rng(5)).mixer().data().allClose(Tensor.eye(3), 0, 0));
    }

    @Test
    void trainableScaleIsAParameterWithAGradient() {
        Rng rng = new Rng(6);
        LoraBranch b = new LoraBranch(3, 4, 2, 0.5f, true, null, LoraInit.SUBSPACE_RANDOM, MixerInit.NONE, rng);
        assertEquals(0.5f, b.scale());
        assertTrue(b.namedParameters().containsKey("lora_scale"));
        LoraLinear l = new LoraLinear("s", new Linear(3, 4, false, rng), b, List.of("a"), List.of(), 0f, rng);
        GradCheck.check("trainable scale", () -> l.forward(Variable.constant(new Rng(7).normal(0, 1, 5, 3))), b.trainableParameters());
    }
}
