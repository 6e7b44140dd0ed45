package mdlora.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ArgsTest {
    private static final Set<String> VALUED = Set.of("out", "domain", "lr"), FLAGS = Set.of("quiet");

    @Test
    void optionsFlagsAndPositionals() {
        Args a = Args.parse("x", new String[] {"--out", "r", "clip.mp4", "--lr=0.1", "--domain", "a", "--domain", "b", "--quiet", "--", "--odd"}, VALUED, FLAGS);
        assertEquals("r", a.require("out"));
        assertEquals("0.1", a.get("lr", null));
        assertEquals(List.of("a", "b"), a.all("domain"));
        assertTrue(a.flag("quiet"));
        assertEquals(List.of("clip.mp4", "--odd"), a.positional());
    }

    @Test
    void typosAreOneLineErrorsWithASuggestion() {
        var e = assertThrows(UserError.class, () -> Args.parse("train", new String[] {"--dommain", "x"}, VALUED, FLAGS));
        assertEquals("unknown option --dommain (did you mean --domain?) (mdlora train --help lists the options)", e.getMessage());
        assertThrows(UserError.class, () -> Args.parse("train", new String[] {"--out"}, VALUED, FLAGS));
        assertThrows(UserError.class, () -> Args.parse("train", new String[] {"--quiet=yes"}, VALUED, FLAGS));
    }
}
