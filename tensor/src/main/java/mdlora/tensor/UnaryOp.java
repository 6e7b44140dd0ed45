package mdlora.tensor;

/** Elementwise functions of one tensor (GELU, a fused operation with its own backward, is {@link Backend.Gelu}). */
public enum UnaryOp {
    /** -x. */
    NEG,
    /** |x|. */
    ABS,
    /** e to the x. */
    EXP,
    /** The natural logarithm. */
    LOG,
    /** The hyperbolic tangent. */
    TANH,
    /** The square root. */
    SQRT,
    /** x * x. */
    SQUARE,
    /** 1 / x. */
    RECIPROCAL,
    /** 1 / (1 + e to the -x). */
    SIGMOID,
    /** max(x, 0). */
    RELU,
    /** The error function. */
    ERF
}
