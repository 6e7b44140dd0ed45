package mdlora.tensor.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import mdlora.tensor.Shape;
import mdlora.tensor.Tensor;

/**
 * Collects tensors and metadata, then writes them as one safetensors file.
 *
 * <p>Tensors are laid out by decreasing element size, then by name, as the reference implementation
 * does: with the header padded to 8 bytes every tensor then starts at a multiple of its element
 * size, so readers may map it in place. The file is written to a temporary file in the same folder,
 * flushed to disk and renamed over the target, so a crash leaves the old file or the new one, never
 * half of one. The arrays given to the {@code put} methods are read when {@link #write} runs.
 *
 * <pre>{@code
 * new SafetensorsWriter().metadata("format", "pt").put("weight", w).putInts("labels", y, n).write(path);
 * }</pre>
 */
public final class SafetensorsWriter {
    private static final int CHUNK_BYTES = 1 << 20;

    /** Writes elements {@code [from, to)} of a tensor's data, little-endian, into {@code out}. */
    @FunctionalInterface
    private interface Encoder {
        void encode(ByteBuffer out, int from, int to);
    }

    private record Pending(DType dtype, int[] shape, Encoder encoder) {}

    /** An empty file to be: add tensors and metadata, then {@link #write}. */
    public SafetensorsWriter() {}

    private final Map<String, Pending> tensors = new HashMap<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();

    /**
     * Adds a float tensor, stored as F32 (a non-contiguous view is copied now, in row-major order).
     *
     * @param name the tensor name, unique in the file
     * @param tensor the values, of any layout
     * @return this writer
     */
    public SafetensorsWriter put(String name, Tensor tensor) {
        Tensor c = tensor.contiguous();
        return add(name, DType.F32, c.shape(), c.numel(),
                (out, from, to) -> out.asFloatBuffer().put(c.storage(), c.offset() + from, to - from));
    }

    /**
     * Adds bytes as U8 (video frames [T,H,W,3], for instance); {@code data} holds numel(shape) elements.
     *
     * @param name the tensor name, unique in the file
     * @param data the elements in row-major order
     * @param shape the tensor's shape
     * @return this writer
     */
    public SafetensorsWriter putBytes(String name, byte[] data, int... shape) {
        return add(name, DType.U8, shape, data.length, (out, from, to) -> out.put(data, from, to - from));
    }

    /**
     * Adds ints as I32; {@code data} holds numel(shape) elements.
     *
     * @param name the tensor name, unique in the file
     * @param data the elements in row-major order
     * @param shape the tensor's shape
     * @return this writer
     */
    public SafetensorsWriter putInts(String name, int[] data, int... shape) {
        return add(name, DType.I32, shape, data.length, (out, from, to) -> out.asIntBuffer().put(data, from, to - from));
    }

    /**
     * Adds longs as I64; {@code data} holds numel(shape) elements.
     *
     * @param name the tensor name, unique in the file
     * @param data the elements in row-major order
     * @param shape the tensor's shape
     * @return this writer
     */
    public SafetensorsWriter putLongs(String name, long[] data, int... shape) {
        return add(name, DType.I64, shape, data.length, (out, from, to) -> out.asLongBuffer().put(data, from, to - from));
    }

    /**
     * Adds a {@code "__metadata__"} entry.
     *
     * @param key the metadata key
     * @param value its string value
     * @return this writer
     */
    public SafetensorsWriter metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    private SafetensorsWriter add(String name, DType dtype, int[] shape, int elements, Encoder encoder) {
        if (name.equals(SafetensorsHeader.METADATA_KEY))
            throw new IllegalArgumentException("'" + name + "' is reserved for metadata and cannot name a tensor");
        if (tensors.containsKey(name)) throw new IllegalArgumentException("tensor '" + name + "' was already added");
        if (Shape.numel(shape) != elements)
            throw new IllegalArgumentException("tensor '" + name + "': shape " + Shape.str(shape) + " needs " + Shape.numel(shape) + " elements but the data has " + elements);
        tensors.put(name, new Pending(dtype, shape.clone(), encoder));
        return this;
    }

    /**
     * Writes every tensor added so far to {@code path}, atomically replacing any file there.
     *
     * @param path the file written
     * @throws IOException if writing fails; any earlier file at {@code path} is then unchanged
     */
    public void write(Path path) throws IOException {
        var names = new ArrayList<>(tensors.keySet());
        names.sort(Comparator.comparingInt((String n) -> -tensors.get(n).dtype().size()).thenComparing(Comparator.naturalOrder()));
        var entries = new LinkedHashMap<String, SafetensorsHeader.Entry>();
        long offset = 0;
        for (String name : names) {
            Pending p = tensors.get(name);
            long end = offset + (long) Shape.numel(p.shape()) * p.dtype().size();
            entries.put(name, new SafetensorsHeader.Entry(p.dtype(), p.shape(), offset, end));
            offset = end;
        }
        byte[] header = new SafetensorsHeader(entries, metadata).encode();

        AtomicFile.write(path, temp -> {
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.allocateDirect(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
                writeAll(out, buffer.clear().putLong(header.length).flip());
                writeAll(out, ByteBuffer.wrap(header));
                for (String name : names) writeData(out, buffer, tensors.get(name));
            }
        });
    }

    private static void writeData(FileChannel out, ByteBuffer buffer, Pending p) throws IOException {
        int n = Shape.numel(p.shape());
        int perChunk = CHUNK_BYTES / p.dtype().size();
        for (int from = 0; from < n; from += perChunk) {
            int to = Math.min(n, from + perChunk);
            buffer.clear();
            p.encoder().encode(buffer, from, to);
            // The typed views above write through without moving this buffer's position.
            writeAll(out, buffer.limit((to - from) * p.dtype().size()).position(0));
        }
    }

    private static void writeAll(FileChannel out, ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) out.write(bytes);
    }
}
