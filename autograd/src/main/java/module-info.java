/**
 * Reverse-mode automatic differentiation over {@code mdlora.tensor}: {@link mdlora.autograd.Variable},
 * {@link mdlora.autograd.Functional} and {@link mdlora.autograd.Autograd#noGrad()}.
 */
module mdlora.autograd {
    requires transitive mdlora.tensor;

    exports mdlora.autograd;
}
