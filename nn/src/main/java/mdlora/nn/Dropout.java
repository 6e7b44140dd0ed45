package mdlora.nn;

import mdlora.autograd.Functional;
import mdlora.autograd.Variable;
import mdlora.tensor.Rng;

/** Inverted dropout with probability {@code p} while training; the identity in eval mode. */
public final class Dropout extends Module implements Layer {
    private final float p;
    private final Rng rng;

    /**
     * {@code rng} draws the masks (the module keeps it, so a seed fixes every mask of a run).
     * @param p probability of zeroing an element, in [0, 1)
     * @param rng draws the masks
     */
    public Dropout(float p, Rng rng) {
        if (p < 0 || p >= 1) throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + p);
        this.p = p;
        this.rng = rng;
    }

    @Override
    public Variable forward(Variable x) {
        return Functional.dropout(x, p, isTraining(), rng);
    }
}
