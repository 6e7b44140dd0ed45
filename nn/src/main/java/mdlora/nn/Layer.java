package mdlora.nn;

import mdlora.autograd.Variable;

/**
 * A module with one input and one output; what a Linear is, and what an adapter wrapping one must also be.
 * A layer that contains others, or that depends on the domain of its rows, overrides
 * {@link #forward(Variable, RowDomains)} and passes the domains on to its children.
 */
public interface Layer {
    /**
     * The layer on {@code x} when its rows carry no domain.
     * @param x input, rows along axis 0
     * @return the output
     */
    Variable forward(Variable x);

    /**
     * The layer on {@code x}, whose row i (axis 0) belongs to domain {@code domains.domain(i)}; most layers ignore the domains.
     * @param x input, rows along axis 0
     * @param domains the domain of each row of {@code x}
     * @return the output
     */
    default Variable forward(Variable x, RowDomains domains) {
        return forward(x);
    }
}
