package mdlora.nn;

import mdlora.autograd.Functional;
import mdlora.autograd.Variable;

/** GELU activation, erf form (PyTorch's {@code nn.GELU()} default). */
public final class Gelu extends Module implements Layer {
    /** The activation; it has no parameters. */
    public Gelu() {}

    @Override
    public Variable forward(Variable x) {
        return Functional.gelu(x);
    }
}
