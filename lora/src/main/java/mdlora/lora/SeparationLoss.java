package mdlora.lora;

import java.util.ArrayList;
import java.util.List;
import mdlora.autograd.Variable;
import mdlora.tensor.Tensor;

/**
 * Takama et al.'s losses that separate the domain LoRAs of one layer, on their effective B_i [d, r_i]. Both are
 * computed from r x r products only: a d x d matrix is never formed.
 */
public final class SeparationLoss {
    /**
     * Added under the square root of L_ss: at the start B_i = B_j = 0, where the distance is 0 and the
     * derivative of sqrt is infinite. With the guard the gradient there is 0 (the radicand's own gradient
     * vanishes) instead of 0 * inf = NaN; against trained B's (||B^T B||^2 >> 1e-12) it changes nothing.
     */
    private static final float SQRT_GUARD = 1e-12f;

    private SeparationLoss() {}

    /**
     * L_orth = sum_i ||B_i^T B_i - I||_F^2.
     *
     * @param bases the effective B_i, each [d, r_i]
     * @return L_orth, a scalar (0 for no bases)
     */
    public static Variable orthogonality(List<Variable> bases) {
        Variable total = null;
        for (Variable b : bases) {
            Variable term = frobeniusSquared(gram(b, b).sub(Variable.constant(Tensor.eye(b.size(1)))));
            total = total == null ? term : total.add(term);
        }
        return total == null ? Variable.constant(Tensor.scalar(0)) : total;
    }

    /**
     * {@code L_ss = -(1/sqrt 2) sum_{i<j} ||B_i B_i^T - B_j B_j^T||_F}, each distance computed as
     * sqrt(||B_i^T B_i||^2 + ||B_j^T B_j||^2 - 2 ||B_i^T B_j||^2) (the two sides are equal by the trace
     * identity; rounding can push the radicand a hair below 0, hence the clamp).
     *
     * @param bases the effective B_i, each [d, r_i]
     * @return L_ss, a scalar (at most 0)
     */
    public static Variable subspaceSeparation(List<Variable> bases) {
        List<Variable> selfGram = new ArrayList<>();
        for (Variable b : bases) selfGram.add(frobeniusSquared(gram(b, b)));
        Variable total = null;
        for (int i = 0; i < bases.size(); i++) {
            for (int j = i + 1; j < bases.size(); j++) {
                Variable radicand = selfGram.get(i).add(selfGram.get(j)).sub(frobeniusSquared(gram(bases.get(i), bases.get(j))).mul(2f));
                Variable distance = radicand.relu().add(SQRT_GUARD).sqrt();
                total = total == null ? distance : total.add(distance);
            }
        }
        return total == null ? Variable.constant(Tensor.scalar(0)) : total.mul((float) (-1 / Math.sqrt(2)));
    }

    /** B_i^T B_j [r_i, r_j]. */
    private static Variable gram(Variable bi, Variable bj) {
        return bi.mT().matmul(bj);
    }

    private static Variable frobeniusSquared(Variable m) {
        return m.square().sum();
    }
}
