package mdlora.nn;

import mdlora.autograd.Variable;
import mdlora.tensor.Tensor;

/** Per-channel scaling {@code x * gamma} with learnable {@code gamma} [D] (timm's {@code LayerScale}, as in CaiT, DeiT III and EVA). */
public final class LayerScale extends Module implements Layer {
    private final Variable gamma;

    /**
     * {@code gamma} initialised to {@code initValue} (timm's {@code init_values}); a checkpoint load overwrites it.
     * @param dim size of the last axis
     * @param initValue initial value of every element of {@code gamma}
     */
    public LayerScale(int dim, float initValue) {
        this.gamma = registerParameter("gamma", Tensor.full(initValue, dim));
    }

    @Override
    public Variable forward(Variable x) {
        return x.mul(gamma);
    }
}
