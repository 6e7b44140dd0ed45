package mdlora.tensor.io;

import java.io.EOFException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import mdlora.tensor.Shape;
import mdlora.tensor.Tensor;

/**
 * A safetensors file opened for reading. Opening reads and validates only the header; the data
 * buffer is memory-mapped (any size, also beyond 2 GiB) and each tensor is decoded when asked for,
 * so a 350 MB checkpoint costs nothing until its tensors are used. Safe to read from several
 * threads at once; {@link #close()} unmaps the file.
 *
 * <pre>{@code
 * try (var f = SafetensorsFile.open(path)) {
 *     Tensor w = f.tensor("blocks.0.attn.qkv.weight");
 * }
 * }</pre>
 */
public final class SafetensorsFile implements AutoCloseable {
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble DOUBLE = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Path path;
    private final SafetensorsHeader header;
    private final Arena arena;
    private final MemorySegment data;

    private SafetensorsFile(Path path, SafetensorsHeader header, Arena arena, MemorySegment data) {
        this.path = path;
        this.header = header;
        this.arena = arena;
        this.data = data;
    }

    /**
     * Opens and validates a file.
     *
     * @param path the .safetensors file
     * @return the open file; close it to release the mapping
     * @throws SafetensorsFormatException when the file breaks the format (truncated, absurd or
     *         malformed header, bad dtype/shape/offsets, gaps or overlaps), naming the file and the defect
     */
    public static SafetensorsFile open(Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < 8)
                throw new SafetensorsFormatException(path, "file is " + size + " bytes, too short for the 8-byte header length");
            long n = readFully(channel, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            // Unsigned: a length with the top bit set reads as negative and is as absurd as any above the limit.
            if (n < 0 || n > SafetensorsHeader.MAX_LENGTH)
                throw new SafetensorsFormatException(path, "header length " + Long.toUnsignedString(n) + " exceeds the limit of " + SafetensorsHeader.MAX_LENGTH + " bytes");
            if (8 + n > size)
                throw new SafetensorsFormatException(path, "header length " + n + " runs past the end of the file (" + size + " bytes): the file is truncated");
            var header = SafetensorsHeader.parse(path, readFully(channel, 8, (int) n).array(), size - 8 - n);
            Arena arena = Arena.ofShared();
            // The mapping outlives the channel; the arena owns it and unmaps it on close.
            MemorySegment data = channel.map(FileChannel.MapMode.READ_ONLY, 8 + n, size - 8 - n, arena);
            return new SafetensorsFile(path, header, arena, data);
        }
    }

    private static ByteBuffer readFully(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining())
            if (channel.read(buffer, position + buffer.position()) < 0) throw new EOFException("file shrank while being read");
        return buffer.flip();
    }

    /**
     * The file read.
     *
     * @return the path given to {@link #open(Path)}
     */
    public Path path() {
        return path;
    }

    /**
     * Tensor names in the order their data lies in the file.
     *
     * @return the names, in file order
     */
    public List<String> names() {
        return List.copyOf(header.tensors().keySet());
    }

    /**
     * Whether the file holds a tensor named {@code name}.
     *
     * @param name the tensor name
     * @return true if the header lists {@code name}
     */
    public boolean contains(String name) {
        return header.tensors().containsKey(name);
    }

    /**
     * The stored element type of tensor {@code name}.
     *
     * @param name the tensor name, which must exist
     * @return its dtype as stored
     */
    public DType dtype(String name) {
        return entry(name).dtype();
    }

    /**
     * The shape of tensor {@code name}.
     *
     * @param name the tensor name, which must exist
     * @return a fresh copy of its shape
     */
    public int[] shape(String name) {
        return entry(name).shape().clone();
    }

    /**
     * The {@code "__metadata__"} strings of the header, unmodifiable; empty when there are none.
     *
     * @return the metadata map
     */
    public Map<String, String> metadata() {
        return header.metadata();
    }

    /**
     * The tensor as float32, whatever its dtype: F16 and BF16 widen exactly (subnormals, infinities
     * and NaN included), F64 and 64-bit integers round to the nearest float.
     *
     * @param name the tensor name, which must exist
     * @return a new contiguous float32 tensor of the stored shape
     */
    public Tensor tensor(String name) {
        var e = entry(name);
        MemorySegment s = segment(name, e);
        float[] out = new float[numel(name, e)];
        switch (e.dtype()) {
            case F32 -> MemorySegment.copy(s, FLOAT, 0, out, 0, out.length);
            case F16 -> { for (int i = 0; i < out.length; i++) out[i] = Float.float16ToFloat(s.getAtIndex(SHORT, i)); }
            case BF16 -> { for (int i = 0; i < out.length; i++) out[i] = Float.intBitsToFloat(s.getAtIndex(SHORT, i) << 16); }
            case F64 -> { for (int i = 0; i < out.length; i++) out[i] = (float) s.getAtIndex(DOUBLE, i); }
            case U64 -> { for (int i = 0; i < out.length; i++) out[i] = unsignedToFloat(s.getAtIndex(LONG, i)); }
            default -> { for (int i = 0; i < out.length; i++) out[i] = integerAt(e.dtype(), s, i); }
        }
        return Tensor.of(out, e.shape());
    }

    /**
     * The tensor's raw little-endian bytes, whatever its dtype: U8 image data comes out as stored.
     *
     * @param name the tensor name, which must exist
     * @return a fresh copy of its bytes
     */
    public byte[] bytes(String name) {
        var e = entry(name);
        if (e.byteLength() > Integer.MAX_VALUE - 8)
            throw new IllegalArgumentException(path + ": tensor '" + name + "' has " + e.byteLength() + " bytes, too many for one Java array");
        return segment(name, e).toArray(ValueLayout.JAVA_BYTE);
    }

    /**
     * The elements of an integer tensor of at most 32 signed bits (I32, I16, U16, I8, U8, BOOL) as ints.
     *
     * @param name the tensor name, which must exist
     * @return its elements in row-major order
     */
    public int[] ints(String name) {
        var e = entry(name);
        DType t = e.dtype();
        if (!t.isInteger() || t == DType.U32 || t.size() > 4)
            throw new IllegalArgumentException(path + ": tensor '" + name + "' is " + t + "; ints() reads I32, I16, U16, I8, U8 and BOOL");
        MemorySegment s = segment(name, e);
        int[] out = new int[numel(name, e)];
        if (t == DType.I32) MemorySegment.copy(s, INT, 0, out, 0, out.length);
        else for (int i = 0; i < out.length; i++) out[i] = (int) integerAt(t, s, i);
        return out;
    }

    /**
     * The elements of an integer tensor other than U64 (which may not fit) as longs.
     *
     * @param name the tensor name, which must exist
     * @return its elements in row-major order
     */
    public long[] longs(String name) {
        var e = entry(name);
        DType t = e.dtype();
        if (!t.isInteger() || t == DType.U64)
            throw new IllegalArgumentException(path + ": tensor '" + name + "' is " + t + "; longs() reads integer dtypes other than U64");
        MemorySegment s = segment(name, e);
        long[] out = new long[numel(name, e)];
        for (int i = 0; i < out.length; i++) out[i] = integerAt(t, s, i);
        return out;
    }

    /** Element {@code i} of an integer tensor other than U64, exactly. */
    private static long integerAt(DType t, MemorySegment s, long i) {
        return switch (t) {
            case I64 -> s.getAtIndex(LONG, i);
            case I32 -> s.getAtIndex(INT, i);
            case U32 -> Integer.toUnsignedLong(s.getAtIndex(INT, i));
            case I16 -> s.getAtIndex(SHORT, i);
            case U16 -> Short.toUnsignedInt(s.getAtIndex(SHORT, i));
            case I8 -> s.get(ValueLayout.JAVA_BYTE, i);
            case U8 -> Byte.toUnsignedInt(s.get(ValueLayout.JAVA_BYTE, i));
            case BOOL -> s.get(ValueLayout.JAVA_BYTE, i) != 0 ? 1 : 0;
            default -> throw new IllegalStateException(t + " is not an integer dtype");
        };
    }

    /** Nearest float to an unsigned 64-bit value; halving keeps the low bit so rounding stays correct. */
    private static float unsignedToFloat(long v) {
        return v >= 0 ? v : 2f * ((v >>> 1) | (v & 1));
    }

    private SafetensorsHeader.Entry entry(String name) {
        var e = header.tensors().get(name);
        if (e == null) {
            var names = names();
            String known = names.size() <= 10 ? String.join(", ", names) : String.join(", ", names.subList(0, 10)) + ", ... (" + names.size() + " in all)";
            throw new IllegalArgumentException(path + " has no tensor '" + name + "'; it has: " + known);
        }
        return e;
    }

    private MemorySegment segment(String name, SafetensorsHeader.Entry e) {
        if (!arena.scope().isAlive()) throw new IllegalStateException(path + " is closed; cannot read tensor '" + name + "'");
        return data.asSlice(e.begin(), e.byteLength());
    }

    private int numel(String name, SafetensorsHeader.Entry e) {
        long n = e.byteLength() / e.dtype().size();
        if (n > Integer.MAX_VALUE)
            throw new IllegalArgumentException(path + ": tensor '" + name + "' has " + n + " elements, too many for one Java array");
        return Shape.numel(e.shape());
    }

    /** Unmaps the file; tensors already read stay valid, further reads fail. */
    @Override
    public void close() {
        if (arena.scope().isAlive()) arena.close();
    }
}
