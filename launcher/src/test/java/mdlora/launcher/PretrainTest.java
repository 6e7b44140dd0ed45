package mdlora.launcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import mdlora.launcher.model.Backbone;
import mdlora.launcher.pretrain.PretrainJob;
import mdlora.nn.ViTConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pretrain} is deterministic by seed, and the shipped backbone is a headless ViT of its preset. */
class PretrainTest {
    @Test
    void sameSeedSameBackboneBitForBit(@TempDir Path dir) throws Exception {
        Path a = Launcher.tinyBackbone(dir.resolve("a")), b = Launcher.tinyBackbone(dir.resolve("b"));
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
        assertTrue(Files.exists(a.resolveSibling("config.json")) && Files.exists(a.resolveSibling("preprocessor_config.json")));
    }

    @Test
    void shippedBackboneHasThePresetArchitecture() {
        ViTConfig shipped = Backbone.load(Backbone.BUILTIN, 0).config();
        ViTConfig preset = PretrainJob.architecture(PretrainCommand.preset()).withNumClasses(0);
        assertEquals(preset, shipped);
        assertEquals(PretrainCommand.preset().data.imageSize, shipped.imageSize());
    }
}
