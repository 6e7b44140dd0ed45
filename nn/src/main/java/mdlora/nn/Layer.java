package mdlora.nn;

import mdlora.autograd.Variable;

/** A module with one input and one output; what a Linear is, and what an adapter wrapping one must also be. */
public interface Layer {
    Variable forward(Variable x);
}
