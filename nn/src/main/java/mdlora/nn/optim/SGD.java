package mdlora.nn.optim;

import java.util.List;
import java.util.Map;
import mdlora.autograd.Variable;
import mdlora.tensor.Tensor;

/**
 * Stochastic gradient descent with momentum, PyTorch's {@code torch.optim.SGD} update (dampening 0): per element,
 * <pre>
 *   d = g + wd * p                         (weight decay added to the gradient)
 *   b = d on the first step, else momentum * b + d
 *   d = nesterov ? d + momentum * b : b    (when momentum != 0)
 *   p -= lr * d
 * </pre>
 * State per parameter: {@code momentum_buffer}.
 */
public final class SGD extends Optimizer {
    private final double momentum;
    private final boolean nesterov;

    /**
     * SGD over {@code groups}; {@code momentum} 0 for plain SGD.
     * @param groups the parameter groups
     * @param momentum momentum factor; 0 for plain SGD
     * @param nesterov whether to use Nesterov momentum
     */
    public SGD(List<ParamGroup> groups, double momentum, boolean nesterov) {
        super(groups);
        if (!(momentum >= 0)) throw new IllegalArgumentException("SGD momentum must be >= 0, got " + momentum);
        if (nesterov && momentum == 0) throw new IllegalArgumentException("Nesterov momentum needs a momentum > 0");
        this.momentum = momentum;
        this.nesterov = nesterov;
    }

    /**
     * One group.
     * @param params the parameters to optimise
     * @param lr learning rate
     * @param momentum momentum factor; 0 for plain SGD
     * @param nesterov whether to use Nesterov momentum
     * @param weightDecay weight decay (L2, added to the gradient)
     */
    public SGD(List<Variable> params, double lr, double momentum, boolean nesterov, double weightDecay) {
        this(single(params, lr, weightDecay), momentum, nesterov);
    }

    @Override
    protected void update(ParamGroup group, float[] p, float[] g, Map<String, Tensor> state) {
        float lr = (float) group.lr(), wd = (float) group.weightDecay(), mu = (float) momentum;
        boolean first = !state.containsKey("momentum_buffer");
        float[] buf = momentum == 0 ? null : buffer(state, "momentum_buffer", p.length);
        forEachChunk(p.length, (start, end) -> {
            for (int i = start; i < end; i++) {
                float d = wd == 0 ? g[i] : g[i] + wd * p[i];
                if (buf != null) {
                    buf[i] = first ? d : mu * buf[i] + d;
                    d = nesterov ? d + mu * buf[i] : buf[i];
                }
                p[i] -= lr * d;
            }
        });
    }
}
