package mdlora.tensor.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import mdlora.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {
    @TempDir
    Path dir;

    private static int[] bits(Tensor t) {
        float[] v = t.toArray();
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) out[i] = Float.floatToRawIntBits(v[i]);
        return out;
    }

    /** A file holding one tensor of the given dtype whose data is {@code data}. */
    private Path oneTensor(String dtype, int[] shape, byte[] data) throws IOException {
        String header = "{\"t\":{\"dtype\":\"" + dtype + "\",\"shape\":" + java.util.Arrays.toString(shape).replace(" ", "")
                + ",\"data_offsets\":[0," + data.length + "]}}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        Path p = dir.resolve(dtype + ".safetensors");
        Files.write(p, ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).put(h).put(data).array());
        return p;
    }

    private static byte[] shortsLE(int... values) {
        ByteBuffer b = ByteBuffer.allocate(2 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) b.putShort((short) v);
        return b.array();
    }

    @Test
    void roundTripsEveryWritableDtypeAndMetadata() throws IOException {
        Tensor w = Tensor.of(new float[] {1.5f, -0f, Float.MIN_VALUE, Float.MAX_VALUE, Float.NaN, Float.NEGATIVE_INFINITY}, 2, 3);
        byte[] frames = {0, 1, (byte) 128, (byte) 255};
        int[] labels = {7, -1, Integer.MAX_VALUE};
        long[] ids = {Long.MIN_VALUE, 42};
        Path p = dir.resolve("all.safetensors");
        new SafetensorsWriter().metadata("format", "pt").metadata("note", "ünïcode 😀")
                .put("w", w).putBytes("frames", frames, 1, 2, 2).putInts("labels", labels, 3).putLongs("ids", ids, 2)
                .put("wT", w.transpose(0, 1))
                .write(p);
        try (var f = SafetensorsFile.open(p)) {
            assertEquals(List.of("ids", "labels", "w", "wT", "frames"), f.names(), "larger elements first, then by name");
            assertEquals(Map.of("format", "pt", "note", "ünïcode 😀"), f.metadata());
            assertEquals(DType.F32, f.dtype("w"));
            assertArrayEquals(new int[] {2, 3}, f.shape("w"));
            assertArrayEquals(bits(w), bits(f.tensor("w")));
            assertArrayEquals(w.transpose(0, 1).toArray(), f.tensor("wT").toArray());
            assertArrayEquals(new int[] {3, 2}, f.shape("wT"));
            assertEquals(DType.U8, f.dtype("frames"));
            assertArrayEquals(new int[] {1, 2, 2}, f.shape("frames"));
            assertArrayEquals(frames, f.bytes("frames"));
            assertArrayEquals(new int[] {0, 1, 128, 255}, f.ints("frames"), "U8 is unsigned");
            assertArrayEquals(new float[] {0, 1, 128, 255}, f.tensor("frames").toArray());
            assertArrayEquals(labels, f.ints("labels"));
            assertArrayEquals(ids, f.longs("ids"));
            assertArrayEquals(new long[] {7, -1, Integer.MAX_VALUE}, f.longs("labels"));
        }
    }

    @Test
    void writesByteForByteWhatTheReferenceImplementationWrites() throws IOException {
        // Expected bytes from the reference's own serialisation tests: a 64-byte header needing no
        // padding, and a 65-byte one padded with 7 spaces so the data starts 8-aligned.
        Tensor t = Tensor.of(new float[] {0, 1, 2, 3, 4, 5}, 1, 2, 3);
        for (var name : List.of("attn.0", "attn0")) {
            Path p = dir.resolve(name + ".safetensors");
            Tensor shaped = name.equals("attn0") ? t.reshape(1, 1, 2, 3) : t;
            new SafetensorsWriter().put(name, shaped).write(p);
            String shape = name.equals("attn0") ? "[1,1,2,3]" : "[1,2,3]";
            String header = "{\"" + name + "\":{\"dtype\":\"F32\",\"shape\":" + shape + ",\"data_offsets\":[0,24]}}";
            header += " ".repeat((8 - header.length() % 8) % 8);
            ByteBuffer expected = ByteBuffer.allocate(8 + header.length() + 24).order(ByteOrder.LITTLE_ENDIAN);
            expected.putLong(header.length()).put(header.getBytes(StandardCharsets.US_ASCII));
            for (float v : t.toArray()) expected.putFloat(v);
            assertArrayEquals(expected.array(), Files.readAllBytes(p), name);
        }
        Path empty = dir.resolve("empty.safetensors");
        new SafetensorsWriter().write(empty);
        assertArrayEquals(new byte[] {8, 0, 0, 0, 0, 0, 0, 0, '{', '}', ' ', ' ', ' ', ' ', ' ', ' '}, Files.readAllBytes(empty));
        try (var f = SafetensorsFile.open(empty)) {
            assertEquals(List.of(), f.names());
            assertEquals(Map.of(), f.metadata());
        }
    }

    @Test
    void widensF16ExactlyIncludingSubnormalsInfinitiesAndNan() throws IOException {
        Path p = oneTensor("F16", new int[] {10}, shortsLE(0x0000, 0x8000, 0x0001, 0x03FF, 0x0400, 0x3C00, 0xC000, 0x7BFF, 0x7C00, 0xFC00));
        float[] expected = {0f, -0f, 0x1p-24f, 0x3FFp-24f, 0x1p-14f, 1f, -2f, 65504f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        try (var f = SafetensorsFile.open(p)) {
            assertArrayEquals(bits(Tensor.of(expected, 10)), bits(f.tensor("t")));
        }
        try (var f = SafetensorsFile.open(oneTensor("F16", new int[] {1}, shortsLE(0x7E00)))) {
            assertTrue(Float.isNaN(f.tensor("t").item()));
        }
    }

    @Test
    void widensBF16ExactlyIncludingSubnormalsInfinitiesAndNan() throws IOException {
        Path p = oneTensor("BF16", new int[] {2, 5}, shortsLE(0x0000, 0x8000, 0x0001, 0x3F80, 0x4049, 0xC000, 0x7F7F, 0x7F80, 0xFF80, 0x7FC0));
        float[] expected = {0f, -0f, 0x1p-133f, 1f, 3.140625f, -2f, 0x1.FEp127f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN};
        try (var f = SafetensorsFile.open(p)) {
            assertArrayEquals(bits(Tensor.of(expected, 2, 5)), bits(f.tensor("t")));
        }
    }

    @Test
    void readsEveryIntegerDtype() throws IOException {
        try (var f = SafetensorsFile.open(oneTensor("I8", new int[] {2}, new byte[] {-128, 127}))) {
            assertArrayEquals(new int[] {-128, 127}, f.ints("t"));
        }
        try (var f = SafetensorsFile.open(oneTensor("U16", new int[] {2}, shortsLE(0xFFFF, 1)))) {
            assertArrayEquals(new int[] {65535, 1}, f.ints("t"));
        }
        try (var f = SafetensorsFile.open(oneTensor("BOOL", new int[] {2}, new byte[] {0, 1}))) {
            assertArrayEquals(new float[] {0, 1}, f.tensor("t").toArray());
        }
        byte[] u32 = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(-1).array();
        try (var f = SafetensorsFile.open(oneTensor("U32", new int[] {1}, u32))) {
            assertArrayEquals(new long[] {4294967295L}, f.longs("t"));
            var e = assertThrows(IllegalArgumentException.class, () -> f.ints("t"));
            assertTrue(e.getMessage().endsWith("tensor 't' is U32; ints() reads I32, I16, U16, I8, U8 and BOOL"), e.getMessage());
        }
        byte[] u64 = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(-1).array();
        try (var f = SafetensorsFile.open(oneTensor("U64", new int[] {1}, u64))) {
            assertEquals(0x1p64f, f.tensor("t").item(), "unsigned: 2^64 - 1 rounds to 2^64");
            assertThrows(IllegalArgumentException.class, () -> f.longs("t"));
        }
        byte[] f64 = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(0.1).array();
        try (var f = SafetensorsFile.open(oneTensor("F64", new int[] {1}, f64))) {
            assertEquals(0.1f, f.tensor("t").item());
            assertArrayEquals(f64, f.bytes("t"), "bytes() gives the raw data of any dtype");
            assertThrows(IllegalArgumentException.class, () -> f.ints("t"));
        }
    }

    @Test
    void readsWhatPyTorchWroteAndWidensAsPyTorchDoes() throws IOException, URISyntaxException {
        Path golden = Path.of(getClass().getResource("golden.safetensors").toURI());
        try (var f = SafetensorsFile.open(golden)) {
            assertEquals("pt", f.metadata().get("format"));
            assertTrue(f.metadata().get("producer").startsWith("torch 1.13"));
            assertEquals(DType.F16, f.dtype("f16"));
            assertEquals(DType.BF16, f.dtype("bf16"));
            assertEquals(DType.I64, f.dtype("i64"));
            for (String name : List.of("f16", "bf16", "i64")) {
                assertArrayEquals(f.shape(name + "_as_f32"), f.shape(name), name);
                assertArrayEquals(bits(f.tensor(name + "_as_f32")), bits(f.tensor(name)), name + " widened as torch widens it");
            }
            assertArrayEquals(new long[] {0, -1, (1L << 40) + 1, (1L << 24) + 1, -(1L << 62), Long.MAX_VALUE}, f.longs("i64"));
            assertArrayEquals(new float[] {1f, -0f, Float.MAX_VALUE, Float.MIN_VALUE, -2.5f, 0.1f}, f.tensor("f32").toArray());
            assertArrayEquals(new int[] {0, 3}, f.tensor("empty").shape());
        }
    }

    @Test
    void unknownNamesAndClosedFilesFailClearly() throws IOException {
        Path p = dir.resolve("x.safetensors");
        new SafetensorsWriter().put("a", Tensor.ones(2)).write(p);
        var f = SafetensorsFile.open(p);
        var e = assertThrows(IllegalArgumentException.class, () -> f.tensor("b"));
        assertEquals(p + " has no tensor 'b'; it has: a", e.getMessage());
        f.close();
        var closed = assertThrows(IllegalStateException.class, () -> f.tensor("a"));
        assertTrue(closed.getMessage().endsWith("is closed; cannot read tensor 'a'"), closed.getMessage());
    }

    @Test
    void writerRefusesInconsistentInput() {
        var w = new SafetensorsWriter().put("a", Tensor.ones(2));
        assertEquals("tensor 'a' was already added", assertThrows(IllegalArgumentException.class, () -> w.put("a", Tensor.ones(1))).getMessage());
        assertThrows(IllegalArgumentException.class, () -> w.put("__metadata__", Tensor.ones(1)));
        assertEquals("tensor 'b': shape [2, 2] needs 4 elements but the data has 3",
                assertThrows(IllegalArgumentException.class, () -> w.putInts("b", new int[3], 2, 2)).getMessage());
    }

    @Test
    void writeReplacesAtomicallyAndLeavesNoTemporaryFile() throws IOException {
        Path p = dir.resolve("model.safetensors");
        new SafetensorsWriter().put("a", Tensor.ones(3)).write(p);
        new SafetensorsWriter().put("b", Tensor.zeros(2)).write(p);
        try (var f = SafetensorsFile.open(p)) {
            assertEquals(List.of("b"), f.names());
        }
        try (var files = Files.list(dir)) {
            assertEquals(List.of(p), files.toList());
        }
        Path nested = dir.resolve("new/folder/m.safetensors");
        new SafetensorsWriter().put("a", Tensor.ones(1)).write(nested);
        try (var f = SafetensorsFile.open(nested)) {
            assertEquals(List.of("a"), f.names());
        }
    }

    @Test
    void readsTensorsLyingBeyondTwoGibibytes() throws IOException {
        // A sparse file: a 2.5 GB U8 tensor of holes, then a small F32 tensor past the 2^31 mark.
        long pad = 2_500_000_000L;
        String header = "{\"pad\":{\"dtype\":\"U8\",\"shape\":[2," + pad / 2 + "],\"data_offsets\":[0," + pad + "]},"
                + "\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[" + pad + "," + (pad + 8) + "]}}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        Path p = dir.resolve("huge.safetensors");
        try (var f = java.nio.channels.FileChannel.open(p, java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE)) {
            f.write(ByteBuffer.allocate(8 + h.length).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).put(h).flip());
            f.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1.5f).putFloat(-2f).flip(), 8 + h.length + pad);
        }
        try (var f = SafetensorsFile.open(p)) {
            assertArrayEquals(new float[] {1.5f, -2f}, f.tensor("t").toArray());
            var e = assertThrows(IllegalArgumentException.class, () -> f.bytes("pad"));
            assertTrue(e.getMessage().endsWith("tensor 'pad' has 2500000000 bytes, too many for one Java array"), e.getMessage());
        }
    }

    @Test
    void largeTensorsCrossTheWriteChunkBoundary() throws IOException {
        float[] v = new float[(1 << 20) / 4 * 3 + 5];
        for (int i = 0; i < v.length; i++) v[i] = i;
        Path p = dir.resolve("big.safetensors");
        new SafetensorsWriter().put("v", Tensor.of(v, v.length)).write(p);
        try (var f = SafetensorsFile.open(p)) {
            assertArrayEquals(v, f.tensor("v").toArray());
        }
    }
}
