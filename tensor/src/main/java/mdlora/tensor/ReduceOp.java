package mdlora.tensor;

/** Reductions over axes. */
public enum ReduceOp {
    SUM, MEAN, MAX, MIN
}
