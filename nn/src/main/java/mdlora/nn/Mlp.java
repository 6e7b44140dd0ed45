package mdlora.nn;

import mdlora.autograd.Variable;
import mdlora.tensor.Rng;

/** The transformer's feed-forward part {@code fc2(gelu(fc1(x)))} (timm's {@code Mlp}: children fc1, act, fc2). */
public final class Mlp extends Module implements Layer {
    /**
     * {@code width -> hidden -> width}; {@code rng} initialises both layers.
     * @param width input and output width
     * @param hidden hidden width (timm's {@code mlp_ratio * width})
     * @param rng initialises both layers
     */
    public Mlp(int width, int hidden, Rng rng) {
        registerModule("fc1", new Linear(width, hidden, true, rng));
        registerModule("act", new Gelu());
        registerModule("fc2", new Linear(hidden, width, true, rng));
    }

    @Override
    public Variable forward(Variable x) {
        return forward(x, RowDomains.NONE);
    }

    @Override
    public Variable forward(Variable x, RowDomains domains) {
        return layer("fc2").forward(layer("act").forward(layer("fc1").forward(x, domains), domains), domains);
    }
}
