package mdlora.nn.optim;

import java.util.Collection;
import mdlora.autograd.Variable;

/** Gradient clipping, as PyTorch's {@code torch.nn.utils.clip_grad_norm_}. */
public final class GradClipping {
    private GradClipping() {}

    /**
     * Scales the gradients of {@code params} by {@code maxNorm / (norm + 1e-6)} when that is below 1, where
     * {@code norm} is the L2 norm of all gradients together; returns that norm (before clipping). Parameters
     * without a gradient are skipped. A non-finite norm is an error: the step would ruin the weights.
     * @param params the parameters whose gradients are clipped
     * @param maxNorm largest total L2 norm allowed
     * @return the total norm before clipping
     */
    public static double clipGradNorm(Collection<Variable> params, double maxNorm) {
        if (!(maxNorm > 0)) throw new IllegalArgumentException("max gradient norm must be positive, got " + maxNorm);
        double sumSquares = 0;
        for (Variable p : params) {
            if (p.grad() == null) continue;
            for (float g : p.grad().toArray()) sumSquares += (double) g * g;
        }
        double norm = Math.sqrt(sumSquares);
        if (!Double.isFinite(norm)) throw new ArithmeticException("the gradient norm is " + norm + ": some gradient has NaN or Inf");
        double coef = maxNorm / (norm + 1e-6);
        if (coef < 1)
            for (Variable p : params)
                if (p.grad() != null) p.grad().mulInPlace((float) coef);
        return norm;
    }
}
