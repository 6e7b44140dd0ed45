package mdlora.tensor.io;

/** Element types of the safetensors format, named as in its header; all little-endian. */
public enum DType {
    /** IEEE 754 double. */
    F64(8),
    /** IEEE 754 single: mdlora's own type. */
    F32(4),
    /** IEEE 754 half. */
    F16(2),
    /** bfloat16: a float's upper 16 bits. */
    BF16(2),
    /** Signed 64-bit integer. */
    I64(8),
    /** Signed 32-bit integer. */
    I32(4),
    /** Signed 16-bit integer. */
    I16(2),
    /** Signed byte. */
    I8(1),
    /** Unsigned 64-bit integer. */
    U64(8),
    /** Unsigned 32-bit integer. */
    U32(4),
    /** Unsigned 16-bit integer. */
    U16(2),
    /** Unsigned byte. */
    U8(1),
    /** A byte holding 0 or 1. */
    BOOL(1);

    private final int size;

    DType(int size) {
        this.size = size;
    }

    /**
     * Bytes per element.
     *
     * @return the element size in bytes
     */
    public int size() {
        return size;
    }

    /**
     * True for the integer types (BOOL counts: it is stored as bytes 0 and 1).
     *
     * @return whether this is an integer (or BOOL) type
     */
    public boolean isInteger() {
        return this != F64 && this != F32 && this != F16 && this != BF16;
    }
}
