package mdlora.tensor.cpu;

/**
 * One matrix operand of a product, read in place: element (i, j) is
 * {@code data[offset + i * rowStride + j * colStride]}. A transposed operand is the same storage with
 * the two strides swapped, so nothing is ever copied transposed.
 */
record Operand(float[] data, int offset, int rowStride, int colStride) {

    /** A row-major {@code rows x cols} block at {@code offset} with leading dimension {@code ld}, read as op(X). */
    static Operand of(float[] data, int offset, int ld, boolean transposed) {
        return transposed ? new Operand(data, offset, 1, ld) : new Operand(data, offset, ld, 1);
    }

    int index(int row, int col) {
        return offset + row * rowStride + col * colStride;
    }

    /** The sub-matrix whose element (0, 0) is this one's (row, col). */
    Operand at(int row, int col) {
        return new Operand(data, index(row, col), rowStride, colStride);
    }

    /** True when each row's elements are adjacent in storage. */
    boolean rowsContiguous() {
        return colStride == 1;
    }
}
