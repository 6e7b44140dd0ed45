package mdlora.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mdlora.tensor.Rng;
import mdlora.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ViTCheckpointTest {
    private static final int HEADS = 3;
    private final Rng rng = new Rng(9);

    private static ViTCheckpoint golden() {
        return ViTCheckpoint.of(Golden.read("timm_vit.safetensors"), HEADS);
    }

    private static IllegalArgumentException loadFails(Map<String, Tensor> state, VisionTransformer model, ViTCheckpoint.Mode mode) {
        return assertThrows(IllegalArgumentException.class, () -> ViTCheckpoint.of(state, HEADS).loadInto(model, mode));
    }

    @Test
    void savedModelReadsBackWithItsConfigAndWeights(@TempDir Path dir) throws IOException {
        // width 128: no config.json beside the file, so the heads come from timm's rule width / 64
        ViTConfig config = new ViTConfig(16, 8, 128, 1, 2, 64, 3, 1e-6f, ViTConfig.HALF, ViTConfig.HALF);
        VisionTransformer model = new VisionTransformer(config, rng);
        Path file = dir.resolve("vit.safetensors");
        ViTCheckpoint.save(model, file);
        ViTCheckpoint read = ViTCheckpoint.read(file);
        assertEquals(config, read.config());
        Map<String, Tensor> copy = read.toModel().stateDict();
        model.stateDict().forEach((name, t) -> assertTrue(t.allClose(copy.get(name), 0, 0), name));
    }

    @Test
    void headsComeFromAConfigJsonBesideTheFileWhichMustBeValid(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("model.safetensors");
        ViTCheckpoint.save(new VisionTransformer(new ViTConfig(16, 8, 128, 1, 2, 64, 3, 1e-6f, ViTConfig.HALF, ViTConfig.HALF), rng), file);
        Files.writeString(dir.resolve("config.json"), "{\"num_attention_heads\": 8, \"layer_norm_eps\": 1e-5}");
        ViTConfig config = ViTCheckpoint.read(file).config();
        assertEquals(8, config.heads());
        assertEquals(1e-5f, config.layerNormEps());
        Files.writeString(dir.resolve("config.json"), "{\"num_attention_heads\": 8,}");
        var e = assertThrows(IllegalArgumentException.class, () -> ViTCheckpoint.read(file));
        assertTrue(e.getMessage().contains("config.json"), e.getMessage());
    }

    @Test
    void strictLoadListsMissingAndUnexpectedKeysAndWritesNothing() {
        Map<String, Tensor> state = new LinkedHashMap<>(Golden.read("timm_vit.safetensors"));
        state.remove("blocks.1.norm2.bias");
        state.put("fc_norm.weight", Tensor.ones(24));
        VisionTransformer model = new VisionTransformer(golden().config(), rng);
        Tensor before = model.stateDict().get("cls_token").copy();
        var e = loadFails(state, model, ViTCheckpoint.Mode.STRICT);
        assertTrue(e.getMessage().contains("missing keys: [blocks.1.norm2.bias]") && e.getMessage().contains("unexpected keys: [fc_norm.weight]"), e.getMessage());
        assertTrue(before.allClose(model.stateDict().get("cls_token"), 0, 0), "a failed load must leave the model untouched");

        Module.LoadReport report = ViTCheckpoint.of(state, HEADS).loadInto(model, ViTCheckpoint.Mode.LENIENT);
        assertEquals(List.of("blocks.1.norm2.bias"), report.missing());
        assertEquals(List.of("fc_norm.weight"), report.unexpected());
        assertTrue(golden().state().get("cls_token").allClose(model.stateDict().get("cls_token"), 0, 0));
    }

    @Test
    void aHeadOfAnotherSizeIsAShapeErrorUnlessOnlyTheBackboneIsLoaded() {
        ViTCheckpoint ckpt = golden();
        VisionTransformer model = new VisionTransformer(ckpt.config().withNumClasses(7), rng);
        var e = assertThrows(IllegalArgumentException.class, () -> ckpt.loadInto(model, ViTCheckpoint.Mode.STRICT));
        assertTrue(e.getMessage().contains("head.weight: checkpoint [5, 24] vs model [7, 24]"), e.getMessage());

        Tensor ownHead = model.stateDict().get("head.weight").copy();
        ckpt.loadInto(model, ViTCheckpoint.Mode.BACKBONE);
        assertTrue(ownHead.allClose(model.stateDict().get("head.weight"), 0, 0), "the model keeps its own head");
        assertTrue(ckpt.state().get("blocks.1.mlp.fc2.weight").allClose(model.stateDict().get("blocks.1.mlp.fc2.weight"), 0, 0));

        VisionTransformer backbone = new VisionTransformer(ckpt.config().withNumClasses(0), rng);
        assertTrue(ckpt.loadInto(backbone, ViTCheckpoint.Mode.BACKBONE).missing().isEmpty());
        loadFails(ckpt.state(), backbone, ViTCheckpoint.Mode.STRICT); // head.* unexpected
    }

    @Test
    void huggingFaceConversionFusesQueryKeyValueInOrder() {
        Map<String, Tensor> hf = Golden.read("hf/model.safetensors");
        Map<String, Tensor> timm = ViTCheckpoint.of(hf, HEADS).state();
        Tensor qkv = timm.get("blocks.1.attn.qkv.weight");
        String layer = "vit.encoder.layer.1.attention.attention.";
        assertTrue(qkv.slice(0, 0, 24).allClose(hf.get(layer + "query.weight"), 0, 0));
        assertTrue(qkv.slice(0, 24, 48).allClose(hf.get(layer + "key.weight"), 0, 0));
        assertTrue(qkv.slice(0, 48, 72).allClose(hf.get(layer + "value.weight"), 0, 0));
        assertEquals(golden().state().keySet(), timm.keySet());
    }

    @Test
    void huggingFaceCheckpointLackingATensorIsNamed() {
        Map<String, Tensor> hf = new LinkedHashMap<>(Golden.read("hf/model.safetensors"));
        hf.remove("vit.encoder.layer.0.attention.attention.value.bias");
        var e = assertThrows(IllegalArgumentException.class, () -> ViTCheckpoint.of(hf, HEADS));
        assertTrue(e.getMessage().contains("lacks the value tensor for blocks.0.attn.qkv.bias"), e.getMessage());
    }

    @Test
    void huggingFacePoolerIsDropped() {
        Map<String, Tensor> hf = new LinkedHashMap<>(Golden.read("hf/model.safetensors"));
        hf.put("vit.pooler.dense.weight", Tensor.zeros(24, 24));
        hf.put("vit.pooler.dense.bias", Tensor.zeros(24));
        ViTCheckpoint.of(hf, HEADS).toModel(); // strict: no unexpected pooler keys
    }

    @Test
    void somethingElseIsNotTakenForAViT() {
        var e = assertThrows(IllegalArgumentException.class, () -> ViTCheckpoint.of(Map.of("conv1.weight", Tensor.zeros(4, 3, 3, 3)), HEADS));
        assertTrue(e.getMessage().contains("not a ViT checkpoint") && e.getMessage().contains("conv1.weight"), e.getMessage());
    }

    @Test
    void resamplingToTheSameGridIsTheIdentity() {
        Tensor pos = rng.normal(0, 1, 1, 1 + 16, 5);
        assertTrue(pos.allClose(ViTCheckpoint.resamplePosEmbed(pos, 1, 4), 1e-6, 1e-7));
        assertThrows(IllegalArgumentException.class, () -> ViTCheckpoint.resamplePosEmbed(rng.normal(0, 1, 1, 1 + 12, 5), 1, 4));
    }
}
