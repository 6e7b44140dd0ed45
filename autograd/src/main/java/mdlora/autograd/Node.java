package mdlora.autograd;

import mdlora.tensor.Tensor;

/**
 * The record an operation leaves in the graph: its name, its inputs and the function that maps the
 * gradient of its output to the gradients of its inputs. The function holds the saved activations;
 * {@link #release()} drops it after backward so they can be collected.
 */
final class Node {
    /** Gradients of the inputs from the gradient of the output; null entries for inputs that need none. */
    @FunctionalInterface
    interface Backward {
        Tensor[] apply(Tensor gradOutput);
    }

    final String op;
    final Variable[] inputs;
    private Backward backward;

    Node(String op, Variable[] inputs, Backward backward) {
        this.op = op;
        this.inputs = inputs;
        this.backward = backward;
    }

    Tensor[] apply(Tensor gradOutput) {
        if (backward == null)
            throw new IllegalStateException("backward through '" + op + "' a second time: its saved tensors were released; "
                    + "pass retainGraph=true to the first backward");
        return backward.apply(gradOutput);
    }

    void release() {
        backward = null;
    }

    boolean isReleased() {
        return backward == null;
    }
}
