package mdlora.tensor.io;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON header of a safetensors file: for each tensor its dtype, shape and byte range in the
 * data buffer that follows the header, plus free-form string metadata under {@code "__metadata__"}.
 * {@link #parse} enforces the rules of the reference implementation (huggingface/safetensors): the
 * tensors tile the data buffer exactly, in some order, with no gap, overlap or trailing byte.
 *
 * @param tensors  tensor entries by name, in data-buffer order
 * @param metadata the {@code "__metadata__"} strings (empty when the file has none)
 */
record SafetensorsHeader(Map<String, Entry> tensors, Map<String, String> metadata) {
    /** Largest header accepted, as in the reference implementation: a bigger one is hostile. */
    static final long MAX_LENGTH = 100_000_000;
    static final String METADATA_KEY = "__metadata__";

    /** Where one tensor lies: bytes {@code [begin, end)} of the data buffer. */
    record Entry(DType dtype, int[] shape, long begin, long end) {
        long byteLength() {
            return end - begin;
        }
    }

    /** Parses and validates header bytes against a data buffer of {@code dataLength} bytes. */
    static SafetensorsHeader parse(Path file, byte[] utf8, long dataLength) throws SafetensorsFormatException {
        Object json;
        try {
            json = Json.parse(decodeUtf8(utf8));
        } catch (CharacterCodingException e) {
            throw new SafetensorsFormatException(file, "header is not valid UTF-8");
        } catch (JsonException e) {
            throw new SafetensorsFormatException(file, "header is not valid JSON: " + e.getMessage());
        }
        if (!(json instanceof Map<?, ?> root))
            throw new SafetensorsFormatException(file, "header must be a JSON object, found " + Json.typeName(json));
        var entries = new ArrayList<Map.Entry<String, Entry>>();
        Map<String, String> metadata = Map.of();
        for (var member : root.entrySet()) {
            String name = (String) member.getKey();
            if (name.equals(METADATA_KEY)) metadata = metadata(file, member.getValue());
            else entries.add(Map.entry(name, entry(file, name, member.getValue(), dataLength)));
        }
        // The reference sorts by offsets too: any order of entries in the JSON is valid.
        entries.sort(Comparator.comparingLong((Map.Entry<String, Entry> e) -> e.getValue().begin())
                .thenComparingLong(e -> e.getValue().end()));
        var tensors = new LinkedHashMap<String, Entry>();
        long covered = 0;
        String previous = null;
        for (var e : entries) {
            Entry t = e.getValue();
            if (t.begin() > covered)
                throw new SafetensorsFormatException(file, "bytes [" + covered + ", " + t.begin() + ") of the data buffer belong to no tensor (a gap before tensor '" + e.getKey() + "')");
            if (t.begin() < covered)
                throw new SafetensorsFormatException(file, "tensor '" + e.getKey() + "' at bytes [" + t.begin() + ", " + t.end() + ") overlaps tensor '" + previous + "', which ends at " + covered);
            covered = t.end();
            previous = e.getKey();
            tensors.put(e.getKey(), t);
        }
        if (covered != dataLength)
            throw new SafetensorsFormatException(file, "the last " + (dataLength - covered) + " bytes of the data buffer belong to no tensor (tensors cover " + covered + " of " + dataLength + ")");
        return new SafetensorsHeader(Collections.unmodifiableMap(tensors), metadata);
    }

    private static String decodeUtf8(byte[] utf8) throws CharacterCodingException {
        return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(utf8)).toString();
    }

    private static Map<String, String> metadata(Path file, Object json) throws SafetensorsFormatException {
        if (!(json instanceof Map<?, ?> map))
            throw new SafetensorsFormatException(file, METADATA_KEY + " must be an object of strings, found " + Json.typeName(json));
        var out = new LinkedHashMap<String, String>();
        for (var e : map.entrySet()) {
            if (!(e.getValue() instanceof String value))
                throw new SafetensorsFormatException(file, METADATA_KEY + " must be an object of strings, but \"" + e.getKey() + "\" is " + Json.typeName(e.getValue()));
            out.put((String) e.getKey(), value);
        }
        return Collections.unmodifiableMap(out);
    }

    private static Entry entry(Path file, String name, Object json, long dataLength) throws SafetensorsFormatException {
        String where = "tensor '" + name + "': ";
        if (!(json instanceof Map<?, ?> fields))
            throw new SafetensorsFormatException(file, where + "entry must be an object, found " + Json.typeName(json));
        for (String field : List.of("dtype", "shape", "data_offsets"))
            if (!fields.containsKey(field)) throw new SafetensorsFormatException(file, where + "missing field \"" + field + "\"");
        DType dtype = dtype(file, where, fields.get("dtype"));
        long[] shape = nonNegativeIntegers(fields.get("shape"), Integer.MAX_VALUE);
        if (shape == null)
            throw new SafetensorsFormatException(file, where + "shape must be an array of integers in [0, 2^31-1], found " + Json.write(fields.get("shape")));
        long[] offsets = nonNegativeIntegers(fields.get("data_offsets"), Long.MAX_VALUE);
        if (offsets == null || offsets.length != 2)
            throw new SafetensorsFormatException(file, where + "data_offsets must be [begin, end] with non-negative integers, found " + Json.write(fields.get("data_offsets")));
        long begin = offsets[0], end = offsets[1];
        String range = "data_offsets [" + begin + ", " + end + "]";
        if (end < begin) throw new SafetensorsFormatException(file, where + range + " end before begin");
        if (end > dataLength)
            throw new SafetensorsFormatException(file, where + range + " run past the end of the data buffer (" + dataLength + " bytes): the file is truncated or the offsets are wrong");
        int[] dims = Arrays.stream(shape).mapToInt(d -> (int) d).toArray();
        long bytes = byteLength(dtype, shape);
        if (bytes != end - begin)
            throw new SafetensorsFormatException(file, where + "shape " + Arrays.toString(dims) + " of " + dtype + " needs "
                    + (bytes < 0 ? "more than 2^63" : String.valueOf(bytes)) + " bytes but " + range + " hold " + (end - begin));
        return new Entry(dtype, dims, begin, end);
    }

    private static DType dtype(Path file, String where, Object json) throws SafetensorsFormatException {
        if (json instanceof String s)
            for (DType d : DType.values()) if (d.name().equals(s)) return d;
        throw new SafetensorsFormatException(file, where + "unknown dtype " + Json.write(json) + " (supported: " + Arrays.toString(DType.values()) + ")");
    }

    /** The array's elements as longs if all are integers in [0, max], else null. */
    private static long[] nonNegativeIntegers(Object json, long max) {
        if (!(json instanceof List<?> list)) return null;
        long[] out = new long[list.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(list.get(i) instanceof Long v) || v < 0 || v > max) return null;
            out[i] = v;
        }
        return out;
    }

    /** Bytes a tensor of this dtype and shape needs, or -1 when that overflows a long. */
    private static long byteLength(DType dtype, long[] shape) {
        try {
            long n = dtype.size();
            for (long d : shape) n = Math.multiplyExact(n, d);
            return n;
        } catch (ArithmeticException overflow) {
            return -1;
        }
    }

    /** Total bytes of the data buffer. */
    long dataLength() {
        long end = 0;
        for (Entry e : tensors.values()) end = Math.max(end, e.end());
        return end;
    }

    /**
     * The header as written to a file: compact JSON, metadata first, tensors in data order, padded
     * with spaces to a multiple of 8 bytes so the data buffer starts 8-aligned (as the reference does).
     */
    byte[] encode() {
        var root = new LinkedHashMap<String, Object>();
        if (!metadata.isEmpty()) root.put(METADATA_KEY, metadata);
        tensors.forEach((name, e) -> {
            var fields = new LinkedHashMap<String, Object>();
            fields.put("dtype", e.dtype().name());
            fields.put("shape", Arrays.stream(e.shape()).boxed().toList());
            fields.put("data_offsets", List.of(e.begin(), e.end()));
            root.put(name, fields);
        });
        String json = Json.write(root);
        int length = json.getBytes(StandardCharsets.UTF_8).length;
        return (json + " ".repeat((8 - length % 8) % 8)).getBytes(StandardCharsets.UTF_8);
    }
}
