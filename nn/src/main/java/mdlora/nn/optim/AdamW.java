package mdlora.nn.optim;

import java.util.List;
import java.util.Map;
import mdlora.autograd.Variable;
import mdlora.tensor.Tensor;

/**
 * Adam with decoupled weight decay, PyTorch's {@code torch.optim.AdamW} update (amsgrad off): per element,
 * <pre>
 *   p  = p * (1 - lr * wd)
 *   m  = beta1 * m + (1 - beta1) * g
 *   v  = beta2 * v + (1 - beta2) * g^2
 *   p -= lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 * </pre>
 * State per parameter: {@code step} (scalar), {@code exp_avg}, {@code exp_avg_sq}, PyTorch's names.
 */
public final class AdamW extends Optimizer {
    private final double beta1, beta2, eps;

    /**
     * AdamW over {@code groups} with the given moment decay rates and denominator {@code eps}.
     * @param groups the parameter groups
     * @param beta1 decay rate of the first moment, e.g. 0.9
     * @param beta2 decay rate of the second moment, e.g. 0.999
     * @param eps added to the denominator, e.g. 1e-8
     */
    public AdamW(List<ParamGroup> groups, double beta1, double beta2, double eps) {
        super(groups);
        if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1))
            throw new IllegalArgumentException("AdamW betas must be in [0, 1), got " + beta1 + ", " + beta2);
        if (!(eps >= 0)) throw new IllegalArgumentException("AdamW eps must be >= 0, got " + eps);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
    }

    /**
     * PyTorch's defaults: betas (0.9, 0.999), eps 1e-8; one group.
     * @param params the parameters to optimise
     * @param lr learning rate
     * @param weightDecay decoupled weight decay
     */
    public AdamW(List<Variable> params, double lr, double weightDecay) {
        this(single(params, lr, weightDecay), 0.9, 0.999, 1e-8);
    }

    @Override
    protected void update(ParamGroup group, float[] p, float[] g, Map<String, Tensor> state) {
        Tensor stepCount = state.computeIfAbsent("step", k -> Tensor.scalar(0));
        int step = (int) stepCount.item() + 1;
        stepCount.fillInPlace(step);
        float[] m = buffer(state, "exp_avg", p.length), v = buffer(state, "exp_avg_sq", p.length);
        // coefficients in double as PyTorch's Python scalars, then rounded once to float like its kernels
        float decay = (float) (1 - group.lr() * group.weightDecay());
        float b1 = (float) beta1, oneMinusB1 = (float) (1 - beta1), b2 = (float) beta2, oneMinusB2 = (float) (1 - beta2);
        float stepSize = (float) (group.lr() / (1 - Math.pow(beta1, step)));
        float bc2Sqrt = (float) Math.sqrt(1 - Math.pow(beta2, step));
        float epsF = (float) eps;
        forEachChunk(p.length, (start, end) -> {
            for (int i = start; i < end; i++) {
                p[i] *= decay;
                m[i] = m[i] * b1 + g[i] * oneMinusB1;
                v[i] = v[i] * b2 + oneMinusB2 * g[i] * g[i];
                p[i] -= stepSize * (m[i] / ((float) Math.sqrt(v[i]) / bc2Sqrt + epsF));
            }
        });
    }
}
