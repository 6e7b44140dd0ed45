package mdlora.tensor.io;

/** Element types of the safetensors format, named as in its header; all little-endian. */
public enum DType {
    F64(8), F32(4), F16(2), BF16(2),
    I64(8), I32(4), I16(2), I8(1),
    U64(8), U32(4), U16(2), U8(1),
    BOOL(1);

    private final int size;

    DType(int size) {
        this.size = size;
    }

    /** Bytes per element. */
    public int size() {
        return size;
    }

    /** True for the integer types (BOOL counts: it is stored as bytes 0 and 1). */
    public boolean isInteger() {
        return this != F64 && this != F32 && this != F16 && this != BF16;
    }
}
