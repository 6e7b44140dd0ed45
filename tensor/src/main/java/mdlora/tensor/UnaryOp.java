package mdlora.tensor;

/** Elementwise functions of one tensor (GELU, a fused operation with its own backward, is {@link Backend.Gelu}). */
public enum UnaryOp {
    NEG, ABS, EXP, LOG, TANH, SQRT, SQUARE, RECIPROCAL, SIGMOID, RELU, ERF
}
