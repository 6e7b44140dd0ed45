package mdlora.nn;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GlobTest {
    @Test
    void starAndQuestionMarkAreTheOnlyWildcards() {
        assertTrue(Glob.compile("blocks.*.attn.qkv").matcher("blocks.11.attn.qkv").matches());
        assertTrue(Glob.compile("*norm?.weight").matcher("blocks.0.norm1.weight").matches());
        assertFalse(Glob.compile("blocks.*.attn.qkv").matcher("blocksX1.attn.qkv").matches(), "a dot is a dot");
        assertFalse(Glob.compile("blocks.1").matcher("blocks.11").matches(), "the whole path must match");
        assertTrue(Glob.compile("a+(b)[c]").matcher("a+(b)[c]").matches(), "regex characters stand for themselves");
    }
}
