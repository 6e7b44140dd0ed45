package mdlora.launcher.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {
    @Test
    void recomputeActivationsIsOffUnlessAsked() throws Exception {
        assertFalse(new Settings().train.recomputeActivations);
        Settings s = new Settings().withJson(Map.of("train", Map.of("recompute_activations", true)), Set.of());
        assertTrue(s.train.recomputeActivations);
    }

    @Test
    void fileSetsWhatTheFlagsDidNot(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("c.json");
        Files.writeString(file, """
                {"lora": {"tau": 0.9, "rank_shared": 4, "structure": "all-flat"}, "train": {"lr": 0.01, "schedule": "step"},
                 "data": {"domains": [{"name": "a", "layout": "list", "path": "/x"}], "split": 3}}""");
        Settings s = new Settings();
        s.lora.rankShared = 16;
        s.withFile(file, Set.of("--rank-shared")).validate();
        assertEquals(0.9, s.lora.tau);
        assertEquals(16, s.lora.rankShared, "a flag given on the command line wins over the file");
        assertEquals(0.01, s.train.lr);
        assertEquals(Settings.Structure.ALL_FLAT, s.lora.structure);
        assertEquals(Settings.Schedule.STEP, s.train.schedule);
        assertEquals(new Settings().train.batch, s.train.batch);
        assertEquals(List.of(new DomainSpec("a", "list", "/x")), s.data.domains);
        assertEquals(3, s.data.split);
    }

    @Test
    void resolvedJsonReadsBackEqualAndCopiesAreIndependent() {
        Settings s = new Settings();
        s.data.domains.add(DomainSpec.parse("u=ucf101:/d/u"));
        s.lora.layers.addAll(List.of("blocks.0.attn.qkv=shared", "blocks.3.mlp.fc1=shared+domain"));
        s.lora.structure = Settings.Structure.CUSTOM;
        Settings copy = s.copy();
        assertEquals(s.toJson(), copy.toJson());
        copy.lora.layers.clear();
        copy.data.domains.clear();
        assertEquals(2, s.lora.layers.size());
        assertEquals(1, s.data.domains.size());
    }

    @Test
    void mistakesNameTheKeyAndTheCause() {
        var unknown = assertThrows(ConfigException.class, () -> new Settings().withJson(Map.of("lora", Map.of("tua", 0.5)), Set.of()));
        assertTrue(unknown.getMessage().contains("'lora.tua'") && unknown.getMessage().contains("lora.tau"), unknown.getMessage());
        var type = assertThrows(ConfigException.class, () -> new Settings().withJson(Map.of("train", Map.of("batch", "eight")), Set.of()));
        assertTrue(type.getMessage().contains("train.batch must be an integer"), type.getMessage());
        var choice = assertThrows(ConfigException.class, () -> new Settings().withJson(Map.of("lora", Map.of("structure", "upper")), Set.of()));
        assertTrue(choice.getMessage().contains("upper-heavy, all-flat, head-only, custom"), choice.getMessage());
        Settings s = new Settings();
        s.lora.tau = 1.5;
        var range = assertThrows(ConfigException.class, s::validate);
        assertEquals("lora.tau (--tau) must be in (0, 1], got 1.5", range.getMessage());
        s.lora.tau = Double.NaN;
        assertTrue(assertThrows(ConfigException.class, s::validate).getMessage().contains("finite"));
        var domain = assertThrows(ConfigException.class, () -> DomainSpec.parse("ucf:/x"));
        assertTrue(domain.getMessage().contains("NAME=LAYOUT:PATH"), domain.getMessage());
        var unknownDomain = assertThrows(ConfigException.class, () -> new Settings().data.domain("nope"));
        assertTrue(unknownDomain.getMessage().contains("unknown domain 'nope'"), unknownDomain.getMessage());
    }

    @Test
    void keysComeFromTheFlags() {
        Map<String, String> flagByKey = new HashMap<>();
        for (Settings.Setting s : new Settings().settings()) flagByKey.put(s.key(), s.flag());
        assertEquals("--rank-shared", flagByKey.get("lora.rank_shared"));
        assertEquals("--domains", flagByKey.get("data.domains"));
        assertEquals("--image-size", flagByKey.get("data.image_size"));
        assertEquals("--split", flagByKey.get("data.split"));
    }

    @Test
    void eachKindOfRunWritesOnlyTheSectionsItUses() {
        assertEquals(List.of("model", "data", "lora", "train"), List.copyOf(new Settings().toJson().keySet()));
        assertEquals(List.of("model", "pretrain", "data", "train"), List.copyOf(Settings.forPretraining().toJson().keySet()));
        var e = assertThrows(ConfigException.class, () -> new Settings().withJson(Map.of("pretrain", Map.of("width", 64)), Set.of()));
        assertTrue(e.getMessage().startsWith("unknown config key 'pretrain.width'"), e.getMessage());
    }

    @Test
    void runsWrittenWithEverySectionStillRead(@TempDir Path dir) throws Exception {
        Path training = dir.resolve("train.json"), pretraining = dir.resolve("pretrain.json");
        Files.writeString(training, """
                {"pretrain": {"width": 128}, "data": {"domains": [{"name": "a", "layout": "list", "path": "/x"}], "image_size": 64},
                 "lora": {"tau": 0.9}}""");
        Files.writeString(pretraining, """
                {"pretrain": {"width": 96}, "data": {"domains": [], "image_size": 48}, "lora": {"tau": 0.95}}""");
        Settings t = Settings.read(training);
        assertEquals(0.9, t.lora.tau);
        assertFalse(t.toJson().containsKey("pretrain"));
        Settings p = Settings.read(pretraining);
        assertEquals(96, p.pretrain.width);
        assertEquals(48, p.data.imageSize);
        assertFalse(p.toJson().containsKey("lora"));
    }

    @Test
    void meanAndStdAreThreeChannelsOrNone() {
        Settings s = new Settings().withJson(Map.of("data", Map.of("mean", List.of(0.485, 0.456, 0.406), "std", List.of(0.229, 0.224, 0.225))), Set.of());
        assertEquals(List.of(0.485, 0.456, 0.406), s.validate().data.mean);
        assertEquals(List.of(), new Settings().validate().data.std, "none given: the backbone's");
        s.data.std = List.of(0.5, 0.0, 0.5);
        assertEquals("data.std (--std) must be positive, got 0.0", assertThrows(ConfigException.class, s::validate).getMessage());
        var e = assertThrows(ConfigException.class, () -> new Settings().withJson(Map.of("data", Map.of("mean", List.of("red"))), Set.of()));
        assertEquals("data.mean must be an array of numbers, got an array [\"red\"]", e.getMessage());
    }
}
