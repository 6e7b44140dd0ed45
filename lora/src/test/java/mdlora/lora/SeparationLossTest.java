package mdlora.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.List;
import mdlora.autograd.Variable;
import mdlora.tensor.Rng;
import mdlora.tensor.Tensor;
import org.junit.jupiter.api.Test;

class SeparationLossTest {
    private static List<Variable> bases(long seed, int d, int... ranks) {
        Rng rng = new Rng(seed);
        List<Variable> out = new ArrayList<>();
        for (int r : ranks) out.add(Variable.parameter(rng.normal(0, 0.5f, d, r)));
        return out;
    }

    /** ||B_i B_i^T - B_j B_j^T||_F from the d x d matrices, in double. */
    private static double directDistance(Tensor bi, Tensor bj) {
        int d = bi.size(0);
        double sum = 0;
        for (int p = 0; p < d; p++) {
            for (int q = 0; q < d; q++) {
                double v = 0;
                for (int k = 0; k < bi.size(1); k++) v += (double) bi.get(p, k) * bi.get(q, k);
                for (int k = 0; k < bj.size(1); k++) v -= (double) bj.get(p, k) * bj.get(q, k);
                sum += v * v;
            }
        }
        return Math.sqrt(sum);
    }

    @Test
    void rByRFormOfLssEqualsTheDirectDByDComputation() {
        List<Variable> b = bases(1, 40, 4, 3, 5);
        double direct = 0;
        for (int i = 0; i < b.size(); i++)
            for (int j = i + 1; j < b.size(); j++) direct += directDistance(b.get(i).data(), b.get(j).data());
        direct *= -1 / Math.sqrt(2);
        assertEquals(direct, SeparationLoss.subspaceSeparation(b).item(), 1e-5 * Math.abs(direct));
    }

    @Test
    void orthogonalityLossEqualsItsDefinition() {
        List<Variable> b = bases(2, 20, 3, 4);
        double expected = 0;
        for (Variable v : b) expected += v.data().mT().matmul(v.data()).sub(Tensor.eye(v.size(1))).square().sumAll();
        assertEquals(expected, SeparationLoss.orthogonality(b).item(), 1e-5 * expected);
        Tensor q = Orthogonal.random(6, new Rng(3)).slice(1, 0, 4);
        assertEquals(0, SeparationLoss.orthogonality(List.of(Variable.constant(q))).item(), 1e-5, "orthonormal columns cost nothing");
    }

    @Test
    void gradientsPassGradcheck() {
        List<Variable> b = bases(4, 9, 3, 2, 3);
        GradCheck.check("L_orth", () -> SeparationLoss.orthogonality(b), b);
        GradCheck.check("L_ss", () -> SeparationLoss.subspaceSeparation(b), b);
    }

    @Test
    void zeroBasesAtTheStartGiveZeroGradientNotNaN() {
        List<Variable> b = List.of(Variable.parameter(Tensor.zeros(8, 2)), Variable.parameter(Tensor.zeros(8, 2)));
        Variable loss = SeparationLoss.subspaceSeparation(b).add(SeparationLoss.orthogonality(b));
        loss.backward();
        for (Variable v : b) {
            assertFalse(v.grad().hasNonFinite());
            assertEquals(0.0, v.grad().abs().sumAll());
        }
    }

    @Test
    void identicalBasesHaveZeroSeparationAndFiniteGradient() {
        Tensor same = new Rng(5).normal(0, 1, 10, 3);
        List<Variable> b = List.of(Variable.parameter(same.copy()), Variable.parameter(same.copy()));
        Variable loss = SeparationLoss.subspaceSeparation(b);
        assertEquals(0, loss.item(), 1e-3);
        loss.backward();
        assertFalse(b.get(0).grad().hasNonFinite());
    }
}
