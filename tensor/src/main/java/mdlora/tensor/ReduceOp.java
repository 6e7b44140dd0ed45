package mdlora.tensor;

/** Reductions over axes. */
public enum ReduceOp {
    /** The sum. */
    SUM,
    /** The arithmetic mean. */
    MEAN,
    /** The largest element. */
    MAX,
    /** The smallest element. */
    MIN
}
