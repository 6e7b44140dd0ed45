package mdlora.tensor;

/** Elementwise functions of two broadcast tensors (or a tensor and a scalar). */
public enum BinaryOp {
    /** a + b. */
    ADD,
    /** a - b. */
    SUB,
    /** a * b. */
    MUL,
    /** a / b. */
    DIV,
    /** The larger of a and b. */
    MAX,
    /** The smaller of a and b. */
    MIN,
    /** a to the power b. */
    POW,
    /** 1 where a &gt; b else 0. */
    GT,
    /** 1 where a == b else 0. */
    EQ
}
