package mdlora.launcher.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTest {
    @Test
    void fileThenFlagsOverrideDefaults(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("c.json");
        Files.writeString(file, """
                {"lora": {"tau": 0.9, "rank_shared": 4}, "train": {"lr": 0.01},
                 "data": {"domains": [{"name": "a", "layout": "list", "path": "/x"}]}}""");
        Config c = Config.defaults().withFile(file).withFlagValues(Knob.RANK_SHARED, List.of("16"));
        assertEquals(0.9, c.number(Knob.TAU));
        assertEquals(16, c.integer(Knob.RANK_SHARED));
        assertEquals(0.01, c.number(Knob.LR));
        assertEquals(Knob.BATCH.defaultValue(), c.integer(Knob.BATCH));
        assertEquals(List.of(new DomainSpec("a", "list", "/x")), c.domains());
    }

    @Test
    void resolvedJsonReadsBackEqual() {
        Config c = Config.defaults().withFlagValues(Knob.DOMAINS, List.of("u=ucf101:/d/u", "h=hmdb51:/d/h"))
                .withFlagValues(Knob.LAYERS, List.of("blocks.0.attn.qkv=shared, blocks.3.mlp.fc1=shared+domain"));
        assertEquals(2, c.strings(Knob.LAYERS).size());
        assertEquals(c, Config.defaults().withJson(roundTrip(c.toJson())));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> roundTrip(Map<String, Object> json) {
        return (Map<String, Object>) mdlora.tensor.io.Json.parse(mdlora.tensor.io.Json.write(json));
    }

    @Test
    void mistakesNameTheKeyAndTheCause() {
        var unknown = assertThrows(ConfigException.class, () -> Config.defaults().withJson(Map.of("lora", Map.of("tua", 0.5))));
        assertTrue(unknown.getMessage().contains("'lora.tua'") && unknown.getMessage().contains("lora.tau"), unknown.getMessage());
        var type = assertThrows(ConfigException.class, () -> Config.defaults().withJson(Map.of("train", Map.of("batch", "eight"))));
        assertTrue(type.getMessage().contains("train.batch must be an integer"), type.getMessage());
        var range = assertThrows(ConfigException.class, () -> Config.defaults().withFlagValues(Knob.TAU, List.of("1.5")));
        assertTrue(range.getMessage().contains("(0, 1]"), range.getMessage());
        var choice = assertThrows(ConfigException.class, () -> Config.defaults().withFlagValues(Knob.STRUCTURE, List.of("upper")));
        assertTrue(choice.getMessage().contains("upper-heavy, all-flat"), choice.getMessage());
        var domain = assertThrows(ConfigException.class, () -> Config.defaults().withFlagValues(Knob.DOMAINS, List.of("ucf:/x")));
        assertTrue(domain.getMessage().contains("NAME=LAYOUT:PATH"), domain.getMessage());
        var unknownDomain = assertThrows(ConfigException.class, () -> Config.defaults().domain("nope"));
        assertTrue(unknownDomain.getMessage().contains("unknown domain 'nope'"), unknownDomain.getMessage());
    }

    @Test
    void flagsAreUniqueAndDerivedFromKeys() {
        var flags = new java.util.HashSet<String>();
        for (Knob k : Knob.values()) assertTrue(flags.add(k.flag()), "duplicate flag " + k.flag());
        assertEquals("rank-shared", Knob.RANK_SHARED.flag());
        assertEquals("domain", Knob.DOMAINS.flag());
    }
}
