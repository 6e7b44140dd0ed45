package mdlora.tensor;

/** Elementwise functions of one tensor. */
public enum UnaryOp {
    NEG, ABS, EXP, LOG, TANH, SQRT, SQUARE, RECIPROCAL, SIGMOID, RELU,
    /** x * Phi(x), erf form. */
    GELU,
    ERF
}
