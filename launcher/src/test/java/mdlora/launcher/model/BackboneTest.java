package mdlora.launcher.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import mdlora.autograd.Variable;
import mdlora.launcher.config.ConfigException;
import mdlora.nn.ViTCheckpoint;
import mdlora.nn.ViTConfig;
import mdlora.nn.VisionTransformer;
import mdlora.tensor.Rng;
import mdlora.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Backbones given as a model folder: each kind survives the export files and comes back as it was. */
class BackboneTest {
    private static final ViTConfig.Rgb MEAN = new ViTConfig.Rgb(0.48145466f, 0.4578275f, 0.40821073f), STD = new ViTConfig.Rgb(0.26862954f, 0.26130258f, 0.27577711f);

    /** A random model of {@code variant} written as a hub folder: model.safetensors, config.json, preprocessor_config.json. */
    private static VisionTransformer folder(Path dir, ViTConfig.Variant variant, float eps) throws IOException {
        var config = new ViTConfig(32, 8, 16, 2, 2, 32, 0, eps, MEAN, STD, variant);
        var vit = new VisionTransformer(config, new Rng(3));
        Files.createDirectories(dir);
        ViTCheckpoint.save(vit, dir.resolve(ViTCheckpoint.MODEL_FILE));
        HubConfig.write(dir, config, List.of());
        return vit;
    }

    @Test
    void everyKindLoadsFromItsFolderWithItsOwnSizeNormalisationAndWeights(@TempDir Path tmp) throws IOException {
        var kinds = List.of(ViTConfig.Variant.PLAIN,
                new ViTConfig.Variant(true, false, ViTConfig.Pool.TOKEN, false, true, false, false), // CLIP-style
                new ViTConfig.Variant(false, false, ViTConfig.Pool.AVG, true, false, true, false), // fc_norm, no class token
                new ViTConfig.Variant(true, false, ViTConfig.Pool.AVG, false, false, true, true), // class token averaged out, layer scale
                new ViTConfig.Variant(true, true, ViTConfig.Pool.TOKEN, false, false, true, false)); // DeiT distilled
        Tensor images = new Rng(4).normal(0, 1, 2, 3, 32, 32);
        for (int i = 0; i < kinds.size(); i++) {
            Path dir = tmp.resolve("kind" + i);
            VisionTransformer original = folder(dir, kinds.get(i), 1e-5f);
            Backbone backbone = Backbone.load(dir.toString(), 0);
            assertEquals(original.config(), backbone.config(), "kind " + kinds.get(i));
            VisionTransformer loaded = backbone.create(32);
            assertTrue(original.forwardFeatures(Variable.constant(images)).data().allClose(loaded.forwardFeatures(Variable.constant(images)).data(), 0, 0));
            assertEquals(Optional.empty(), backbone.resampling(32));
        }
    }

    @Test
    void anotherImageSizeResamplesAndSaysSo(@TempDir Path tmp) throws IOException {
        folder(tmp, ViTConfig.Variant.PLAIN, 1e-6f);
        Backbone backbone = Backbone.load(tmp.toString(), 0);
        assertEquals(3 * 3 + 1, backbone.create(24).stateDict().get("pos_embed").size(1));
        assertEquals("backbone " + tmp + " was trained on 32 px; at 24 px its position embedding is resampled from 4x4 to 3x3 patches (bicubic, antialiased, as timm)",
                backbone.resampling(24).orElseThrow());
    }

    @Test
    void aMissingOrEmptyFolderIsOneLine(@TempDir Path tmp) {
        var missing = assertThrows(ConfigException.class, () -> Backbone.load(tmp.resolve("none").toString(), 0));
        assertEquals("backbone checkpoint not found: " + tmp.resolve("none"), missing.getMessage());
        var empty = assertThrows(ConfigException.class, () -> Backbone.load(tmp.toString(), 0));
        assertEquals("not a usable ViT backbone: " + tmp + ": not a model folder: no model.safetensors in it", empty.getMessage());
    }
}
