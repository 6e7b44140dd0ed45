package mdlora.tensor.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every way a file can break the format is refused with a message naming the file and the defect. */
class SafetensorsValidationTest {
    @TempDir
    Path dir;

    /** A file of the 8-byte length {@code declaredLength}, the header text and {@code dataBytes} zero bytes. */
    private Path file(long declaredLength, byte[] header, int dataBytes) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(declaredLength).put(header);
        Path p = dir.resolve("bad.safetensors");
        Files.write(p, b.array());
        return p;
    }

    private Path file(String header, int dataBytes) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return file(h.length, h, dataBytes);
    }

    private void assertRefused(Path p, String defect) {
        var e = assertThrows(SafetensorsFormatException.class, () -> SafetensorsFile.open(p).close());
        assertTrue(e.getMessage().startsWith(p + ": "), () -> "names the file: " + e.getMessage());
        assertTrue(e.getMessage().contains(defect), () -> "expected '" + defect + "' in: " + e.getMessage());
    }

    private static String one(String entry) {
        return "{\"t\":" + entry + "}";
    }

    @Test
    void fileShorterThanTheLengthField() throws IOException {
        Path p = dir.resolve("short.safetensors");
        Files.write(p, new byte[] {4, 0, 0});
        assertRefused(p, "file is 3 bytes, too short for the 8-byte header length");
    }

    @Test
    void headerLongerThanTheLimit() throws IOException {
        assertRefused(file(100_000_001, new byte[16], 0), "header length 100000001 exceeds the limit of 100000000 bytes");
    }

    @Test
    void headerLengthWithTheTopBitSet() throws IOException {
        assertRefused(file(-1, new byte[16], 0), "header length 18446744073709551615 exceeds the limit");
    }

    @Test
    void headerRunningPastTheEndOfTheFile() throws IOException {
        assertRefused(file(64, "{}".getBytes(StandardCharsets.UTF_8), 0), "header length 64 runs past the end of the file (10 bytes)");
    }

    @Test
    void headerNotUtf8() throws IOException {
        assertRefused(file(4, new byte[] {'{', (byte) 0xff, (byte) 0xfe, '}'}, 0), "header is not valid UTF-8");
    }

    @Test
    void headerNotJson() throws IOException {
        assertRefused(file("{\"t\":", 0), "header is not valid JSON: JSON error at line 1, column 6: expected a value");
    }

    @Test
    void headerNotAnObject() throws IOException {
        assertRefused(file("[1, 2]", 0), "header must be a JSON object, found an array");
    }

    @Test
    void duplicateTensorNames() throws IOException {
        String e = "{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}";
        assertRefused(file("{\"t\":" + e + ",\"t\":" + e + "}", 1), "duplicate key \"t\"");
    }

    @Test
    void entryNotAnObject() throws IOException {
        assertRefused(file(one("[0, 4]"), 4), "tensor 't': entry must be an object, found an array");
    }

    @Test
    void missingField() throws IOException {
        assertRefused(file(one("{\"dtype\":\"F32\",\"shape\":[1]}"), 4), "tensor 't': missing field \"data_offsets\"");
        assertRefused(file(one("{\"shape\":[1],\"data_offsets\":[0,4]}"), 4), "tensor 't': missing field \"dtype\"");
    }

    @Test
    void unknownDtype() throws IOException {
        assertRefused(file(one("{\"dtype\":\"F8_E4M3\",\"shape\":[4],\"data_offsets\":[0,4]}"), 4), "tensor 't': unknown dtype \"F8_E4M3\" (supported: [F64, F32");
        assertRefused(file(one("{\"dtype\":4,\"shape\":[1],\"data_offsets\":[0,4]}"), 4), "tensor 't': unknown dtype 4");
    }

    @Test
    void negativeShape() throws IOException {
        assertRefused(file(one("{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}"), 4),
                "tensor 't': shape must be an array of integers in [0, 2^31-1], found [-1]");
    }

    @Test
    void nonIntegerShape() throws IOException {
        assertRefused(file(one("{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}"), 4), "shape must be an array of integers in [0, 2^31-1], found [1.5]");
        assertRefused(file(one("{\"dtype\":\"F32\",\"shape\":\"4\",\"data_offsets\":[0,4]}"), 4), "shape must be an array of integers in [0, 2^31-1], found \"4\"");
    }

    @Test
    void malformedOffsets() throws IOException {
        assertRefused(file(one("{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}"), 4), "tensor 't': data_offsets must be [begin, end] with non-negative integers, found [0]");
        assertRefused(file(one("{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[-4,0]}"), 4), "data_offsets must be [begin, end] with non-negative integers, found [-4,0]");
    }

    @Test
    void offsetsEndBeforeBegin() throws IOException {
        assertRefused(file(one("{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[4,0]}"), 4), "tensor 't': data_offsets [4, 0] end before begin");
    }

    @Test
    void dataTruncated() throws IOException {
        assertRefused(file(one("{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}"), 6),
                "tensor 't': data_offsets [0, 8] run past the end of the data buffer (6 bytes): the file is truncated");
    }

    @Test
    void shapeDisagreesWithByteLength() throws IOException {
        assertRefused(file(one("{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,20]}"), 20),
                "tensor 't': shape [2, 3] of F32 needs 24 bytes but data_offsets [0, 20] hold 20");
    }

    @Test
    void shapeOverflowingTheByteCount() throws IOException {
        assertRefused(file(one("{\"dtype\":\"F64\",\"shape\":[2147483647,2147483647,2147483647],\"data_offsets\":[0,8]}"), 8),
                "needs more than 2^63 bytes");
    }

    @Test
    void overlappingTensors() throws IOException {
        assertRefused(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12),
                "tensor 'b' at bytes [4, 12) overlaps tensor 'a', which ends at 8");
    }

    @Test
    void gapBetweenTensors() throws IOException {
        assertRefused(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", 12),
                "bytes [4, 8) of the data buffer belong to no tensor (a gap before tensor 'b')");
    }

    @Test
    void bytesAfterTheLastTensor() throws IOException {
        assertRefused(file(one("{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}"), 10),
                "the last 6 bytes of the data buffer belong to no tensor (tensors cover 4 of 10)");
    }

    @Test
    void metadataNotStrings() throws IOException {
        assertRefused(file("{\"__metadata__\":{\"epoch\":3}}", 0), "__metadata__ must be an object of strings, but \"epoch\" is an integer");
        assertRefused(file("{\"__metadata__\":[]}", 0), "__metadata__ must be an object of strings, found an array");
    }

    @Test
    void entriesInAnyOrderAndPaddedHeadersAreValid() throws IOException {
        Path p = file("{\"b\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[4,6]},\"a\":{\"dtype\":\"I32\",\"shape\":[],\"data_offsets\":[0,4]}}   ", 6);
        try (var f = SafetensorsFile.open(p)) {
            assertEquals(java.util.List.of("a", "b"), f.names(), "names come in data order");
            assertEquals(0, f.shape("a").length);
        }
    }
}
