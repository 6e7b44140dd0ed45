package mdlora.nn;

import mdlora.autograd.Functional;
import mdlora.autograd.Variable;
import mdlora.tensor.Rng;

/** {@code y = x W^T + b} with W [out, in] (PyTorch's layout and default initialisation). */
public class Linear extends Module implements Layer {
    private final Variable weight;
    private final Variable bias;

    /**
     * PyTorch's default init: W and b uniform in +-1/sqrt(in).
     * @param in input width
     * @param out output width
     * @param bias whether there is a bias
     * @param rng initialises the weight and bias
     */
    public Linear(int in, int out, boolean bias, Rng rng) {
        this.weight = registerParameter("weight", rng.kaimingUniform(in, out, in));
        float bound = (float) (1 / Math.sqrt(in));
        this.bias = bias ? registerParameter("bias", rng.uniform(-bound, bound, out)) : null;
    }

    @Override
    public Variable forward(Variable x) {
        return Functional.linear(x, weight, bias);
    }

    /**
     * The weight [out, in] (PyTorch's layout).
     * @return the weight [out, in]
     */
    public Variable weight() {
        return weight;
    }

    /**
     * The bias, or null.
     * @return the bias [out], or null
     */
    public Variable bias() {
        return bias;
    }

    /**
     * The input width.
     * @return the input width
     */
    public int inFeatures() {
        return weight.size(1);
    }

    /**
     * The output width.
     * @return the output width
     */
    public int outFeatures() {
        return weight.size(0);
    }
}
