package mdlora.nn;

import java.util.List;
import mdlora.autograd.Variable;

/** Layers applied one after another, named "0", "1", ... (PyTorch's {@code nn.Sequential}; timm's {@code blocks}). */
public final class Sequential extends ModuleList implements Layer {
    /**
     * Registers {@code layers} in the order they run.
     * @param <M> the layers' type
     * @param layers the layers, in order
     */
    public <M extends Module & Layer> Sequential(List<M> layers) {
        super(layers);
    }

    @Override
    public Variable forward(Variable x) {
        return forward(x, RowDomains.NONE);
    }

    @Override
    public Variable forward(Variable x, RowDomains domains) {
        for (int i = 0; i < size(); i++) x = layer(i).forward(x, domains);
        return x;
    }
}
