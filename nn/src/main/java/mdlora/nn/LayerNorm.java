package mdlora.nn;

import mdlora.autograd.Functional;
import mdlora.autograd.Variable;
import mdlora.tensor.Tensor;

/** Layer norm over the last axis with learnable weight (init 1) and bias (init 0), as PyTorch's {@code nn.LayerNorm}. */
public final class LayerNorm extends Module implements Layer {
    private final Variable weight;
    private final Variable bias;
    private final float eps;

    /**
     * timm's ViTs use {@code eps} 1e-6, Hugging Face's 1e-12.
     * @param dim size of the normalised last axis
     * @param eps added to the variance
     */
    public LayerNorm(int dim, float eps) {
        this.weight = registerParameter("weight", Tensor.ones(dim));
        this.bias = registerParameter("bias", Tensor.zeros(dim));
        this.eps = eps;
    }

    @Override
    public Variable forward(Variable x) {
        return Functional.layerNorm(x, weight, bias, eps);
    }
}
