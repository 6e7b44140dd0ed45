package mdlora.tensor;

/** Elementwise functions of two broadcast tensors (or a tensor and a scalar). */
public enum BinaryOp {
    ADD, SUB, MUL, DIV, MAX, MIN, POW,
    /** 1 where a &gt; b else 0. */
    GT,
    /** 1 where a == b else 0. */
    EQ
}
