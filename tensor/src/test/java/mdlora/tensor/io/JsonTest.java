package mdlora.tensor.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonTest {

    @Test
    void parsesEveryKindOfValue() {
        var v = Json.parseObject(" {\"a\": [1, -2.5, 3e2, true, false, null], \"b\": {\"c\": \"d\"}, \"e\": -0, \"f\": 0.5E-3}\n");
        assertEquals(List.of("a", "b", "e", "f"), List.copyOf(v.keySet()), "members keep text order");
        assertEquals(Arrays.asList(1L, -2.5, 300.0, true, false, null), v.get("a"));
        assertEquals(Map.of("c", "d"), v.get("b"));
        assertEquals(0L, v.get("e"));
        assertEquals(0.5e-3, v.get("f"));
    }

    @Test
    void integersBeyondLongBecomeDoubles() {
        assertEquals(Long.MAX_VALUE, Json.parse("9223372036854775807"));
        assertEquals(Long.MIN_VALUE, Json.parse("-9223372036854775808"));
        assertEquals(9.223372036854775808e18, Json.parse("9223372036854775808"));
    }

    @Test
    void decodesEscapesAndSurrogatePairs() {
        assertEquals("\"\\/\b\f\n\r\t", Json.parse("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\""));
        assertEquals("é\u0001😀", Json.parse("\"\\u00e9\\u0001\\ud83d\\uDE00\""));
        assertEquals("héllo 😀", Json.parse("\"héllo 😀\""), "raw non-ASCII passes through");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
        "''                 | line 1, column 1: expected a value",
        "'{\"a\":1,}'       | line 1, column 8: expected a string key after ','",
        "'[1,2,]'           | line 1, column 6: expected a value",
        "'[1 2]'            | line 1, column 4: expected ',' or ']' after an array element, found '2'",
        "'{\"a\" 1}'        | line 1, column 6: expected ':' after the object key",
        "'{\"a\":1 \"b\":2}' | line 1, column 8: expected ',' or '}' after an object member",
        "'{1:2}'            | expected a string key or '}'",
        "'01'               | expected end of input after the top-level value, found '1'",
        "'1.'               | expected a digit after the decimal point, found end of input",
        "'1e+'              | expected a digit in the exponent",
        "'-'                | expected a digit",
        "'.5'               | expected a value",
        "'NaN'              | expected a value",
        "'nul'              | expected a value",
        "'1e999'            | expected a number within the range of a double",
        "'\"abc'            | expected '\"' to close the string, found end of input",
        "'\"\\x\"'          | expected an escape",
        "'\"\\u12G4\"'      | expected four hex digits after \\u, found 'G'",
        "'\"\\ud83d\"'      | expected a low surrogate escape to follow the high surrogate \\uD83D",
        "'\"\\ud83d\\u0041\"' | expected a low surrogate escape to follow the high surrogate \\uD83D",
        "'\"\\ude00\"'      | expected a high surrogate before the low surrogate \\uDE00",
        "'{\"a\":1,\"a\":2}' | line 1, column 8: expected a key not seen before in this object, found duplicate key \"a\"",
        "'[1] x'            | expected end of input after the top-level value, found 'x'",
        "'// c\n1'          | expected a value",
    })
    void rejectsMalformedTextSayingWhereAndWhat(String text, String message) {
        var e = assertThrows(JsonException.class, () -> Json.parse(text));
        assertTrue(e.getMessage().contains(message), () -> "message was: " + e.getMessage());
    }

    @Test
    void reportsLineAndColumnOnLaterLines() {
        var e = assertThrows(JsonException.class, () -> Json.parse("{\n  \"a\": 1,\n  \"b\": tru\n}"));
        assertEquals("JSON error at line 3, column 8: expected a value (object, array, string, number, true, false or null), found 't'",
                e.getMessage());
        assertEquals(19, e.offset());
    }

    @Test
    void rejectsUnescapedControlCharacters() {
        var e = assertThrows(JsonException.class, () -> Json.parse("\"a\nb\""));
        assertTrue(e.getMessage().contains("expected an escape for control character U+000A"), e.getMessage());
    }

    @Test
    void limitsNestingDepth() {
        String ok = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);
        assertTrue(Json.parse(ok) instanceof List);
        String hostile = "[".repeat(100_000);
        var e = assertThrows(JsonException.class, () -> Json.parse(hostile));
        assertTrue(e.getMessage().contains("expected at most 512 levels of nesting"), e.getMessage());
    }

    @Test
    void parseObjectRefusesOtherTopLevelValues() {
        var e = assertThrows(JsonException.class, () -> Json.parseObject("[1]"));
        assertEquals("JSON: expected an object at top level, found an array", e.getMessage());
    }

    @Test
    void writesCompactJsonThatParsesBackToTheSameValues() {
        var value = new LinkedHashMap<String, Object>();
        value.put("name", "quote\" backslash\\ tab\t ctl\u0001 é 😀");
        value.put("ints", List.of(1L, -2L, Long.MAX_VALUE));
        value.put("doubles", List.of(0.1, -1e-300, 2.0, 1.0E22));
        value.put("nested", Map.of("empty", List.of(), "obj", Map.of()));
        value.put("flags", Arrays.asList(true, false, null));
        String text = Json.write(value);
        assertEquals(value, Json.parse(text));
        assertTrue(text.contains("\"quote\\\" backslash\\\\ tab\\t ctl\\u0001 é 😀\""), text);
        assertEquals("{\"a\":[1,2.5]}", Json.write(Map.of("a", List.of(1, 2.5f))));
    }

    @Test
    void prettyPrintsNestedValuesAndKeepsScalarArraysOnOneLine() {
        var value = new LinkedHashMap<String, Object>();
        value.put("shape", List.of(2, 3));
        value.put("layers", List.of(Map.of("r", 8)));
        value.put("empty", Map.of());
        assertEquals("""
                {
                  "shape": [2, 3],
                  "layers": [
                    {
                      "r": 8
                    }
                  ],
                  "empty": {}
                }""", Json.writePretty(value));
        assertEquals(value.toString(), Json.parse(Json.writePretty(value)).toString());
    }

    @Test
    void refusesValuesWithoutAJsonForm() {
        assertThrows(IllegalArgumentException.class, () -> Json.write(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> Json.write(List.of(Float.POSITIVE_INFINITY)));
        assertThrows(IllegalArgumentException.class, () -> Json.write(Map.of(1, 2)));
        assertThrows(IllegalArgumentException.class, () -> Json.write(new Object()));
        var e = assertThrows(IllegalArgumentException.class, () -> Json.write("a\ud800b"));
        assertEquals("string has a lone surrogate U+D800 at index 1", e.getMessage());
    }

    @Test
    void nullAndScalarsAtTopLevel() {
        assertNull(Json.parse(" null "));
        assertEquals("null", Json.write(null));
        assertEquals("\"x\"", Json.write("x"));
        assertEquals(-7L, Json.parse("-7"));
    }
}
