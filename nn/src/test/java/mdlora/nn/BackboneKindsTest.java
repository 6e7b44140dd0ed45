package mdlora.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import mdlora.autograd.Functional;
import mdlora.autograd.Variable;
import mdlora.tensor.Rng;
import mdlora.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each timm and Hugging Face ViT kind beyond the plain class-token ViT against PyTorch (make_backbone_golden.py). */
class BackboneKindsTest {
    private static final int HEADS = 2;
    private static final Map<String, Tensor> INPUTS = Golden.read("backbone_inputs.safetensors");

    private static ViTCheckpoint checkpoint(String kind) throws IOException {
        return kind.equals("timm_clip") || kind.equals("hf_deit") ? ViTCheckpoint.read(Golden.path(kind))
                : ViTCheckpoint.of(Golden.read(kind + ".safetensors"), HEADS);
    }

    private static void assertClose(Tensor expected, Tensor actual, double atol, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + " shape");
        float[] e = expected.toArray(), a = actual.toArray();
        for (int i = 0; i < e.length; i++)
            assertTrue(Math.abs(e[i] - a[i]) <= atol + 1e-4 * Math.abs(e[i]), what + "[" + i + "]: expected " + e[i] + ", got " + a[i]);
    }

    @ParameterizedTest
    @ValueSource(strings = {"timm_clip", "timm_avg_fcnorm", "timm_avg_norm", "timm_layerscale", "timm_deit_distilled", "hf_deit"})
    void featuresAndLogitsMatchPyTorch(String kind) throws IOException {
        Map<String, Tensor> io = Golden.read(kind + "_io.safetensors");
        VisionTransformer model = checkpoint(kind).toModel();
        Variable input = Variable.constant(INPUTS.get("input"));
        assertClose(io.get("features"), model.forwardFeatures(input).data(), 1e-5, kind + " features");
        assertClose(io.get("logits"), model.forward(input).data(), 1e-5, kind + " logits");
    }

    @ParameterizedTest
    @ValueSource(strings = {"timm_clip", "timm_avg_fcnorm", "timm_avg_norm", "timm_layerscale", "timm_deit_distilled", "hf_deit"})
    void gradientsMatchPyTorch(String kind) throws IOException {
        Map<String, Tensor> io = Golden.read(kind + "_io.safetensors");
        VisionTransformer model = checkpoint(kind).toModel();
        Functional.crossEntropy(model.forward(Variable.constant(INPUTS.get("input"))), new int[] {3, 1}, 0).backward();
        Map<String, Variable> params = model.namedParameters();
        int checked = 0;
        for (var e : io.entrySet()) {
            if (!e.getKey().startsWith("grad.")) continue;
            String name = e.getKey().substring("grad.".length());
            assertClose(e.getValue(), params.get(name).grad(), 1e-5, kind + " gradient of " + name);
            checked++;
        }
        assertTrue(checked >= 20, kind + ": only " + checked + " gradients recorded");
    }

    @ParameterizedTest
    @ValueSource(strings = {"timm_clip", "timm_avg_fcnorm", "timm_layerscale", "timm_deit_distilled"})
    void positionEmbeddingResamplesAsTimmKeepingThePrefixTokens(String kind) throws IOException {
        Map<String, Tensor> io = Golden.read(kind + "_io.safetensors");
        ViTCheckpoint ckpt = checkpoint(kind);
        int prefix = ckpt.config().prefixTokens();
        Tensor pos = ckpt.state().get("pos_embed");
        assertClose(io.get("pos_embed_6"), ViTCheckpoint.resamplePosEmbed(pos, prefix, 6), 1e-6, kind + " upsampled pos_embed");
        assertClose(io.get("pos_embed_3"), ViTCheckpoint.resamplePosEmbed(pos, prefix, 3), 1e-6, kind + " downsampled pos_embed");
        VisionTransformer small = new VisionTransformer(ckpt.config().withImageSize(24), new Rng(1));
        ckpt.loadInto(small, ViTCheckpoint.Mode.STRICT);
        assertClose(io.get("features_24"), small.forwardFeatures(Variable.constant(INPUTS.get("input_24"))).data(), 1e-5, kind + " features at 24 px");
    }

    @Test
    void variantEpsAndNormalisationComeFromTheTensorsAndTheHubFiles() throws IOException {
        ViTConfig clip = checkpoint("timm_clip").config();
        assertEquals(new ViTConfig.Variant(true, false, ViTConfig.Pool.TOKEN, false, true, false, false), clip.variant());
        assertEquals(1e-5f, clip.layerNormEps()); // CLIP-style: PyTorch's default LayerNorm eps
        assertEquals(new ViTConfig.Rgb(0.48145466f, 0.4578275f, 0.40821073f), clip.mean()); // timm's pretrained_cfg
        assertEquals(new ViTConfig.Rgb(0.26862954f, 0.26130258f, 0.27577711f), clip.std());
        assertEquals(32, clip.imageSize());
        assertEquals(HEADS, clip.heads()); // width 16 / 64 would say 1: the test would fail if the config were not read

        ViTConfig avg = checkpoint("timm_avg_fcnorm").config();
        assertEquals(new ViTConfig.Variant(false, false, ViTConfig.Pool.AVG, true, false, true, false), avg.variant());
        assertEquals(0, avg.prefixTokens());
        assertEquals(ViTConfig.Pool.AVG, checkpoint("timm_avg_norm").config().variant().pool());
        assertFalse(checkpoint("timm_avg_norm").config().variant().fcNorm());
        assertTrue(checkpoint("timm_layerscale").config().variant().layerScale());

        ViTConfig deit = checkpoint("timm_deit_distilled").config();
        assertTrue(deit.variant().distToken());
        assertEquals(2, deit.prefixTokens());
        assertEquals(ViTConfig.IMAGENET_MEAN, deit.mean()); // a distilled DeiT was trained with ImageNet's normalisation
        ViTConfig hfDeit = checkpoint("hf_deit").config();
        assertEquals(deit.variant(), hfDeit.variant());
        assertEquals(1e-12f, hfDeit.layerNormEps());
    }

    @Test
    void originalLayerScaleNamesLoadAsTimmRenamesThem() {
        Map<String, Tensor> original = new LinkedHashMap<>();
        Golden.read("timm_layerscale.safetensors").forEach((k, v) -> original.put(k.replaceAll("ls([12])\\.gamma$", "gamma_$1"), v));
        assertTrue(original.containsKey("blocks.1.gamma_2"));
        Map<String, Tensor> io = Golden.read("timm_layerscale_io.safetensors");
        VisionTransformer model = ViTCheckpoint.of(original, HEADS).toModel();
        assertClose(io.get("features"), model.forwardFeatures(Variable.constant(INPUTS.get("input"))).data(), 1e-5, "features");
    }

    @Test
    void aHuggingFaceModelFolderLoadsAsItsModelFile() throws IOException {
        ViTCheckpoint folder = ViTCheckpoint.read(Golden.path("hf")), file = ViTCheckpoint.read(Golden.path("hf/model.safetensors"));
        assertEquals(file.config(), folder.config());
        Map<String, Tensor> io = Golden.read("hf_io.safetensors");
        assertClose(io.get("logits"), folder.toModel().forward(Variable.constant(io.get("input"))).data(), 1e-5, "logits");
    }

    @Test
    void aFolderWithoutItsModelFileIsRefusedWithTheReason(@TempDir Path dir) throws IOException {
        var empty = assertThrows(IllegalArgumentException.class, () -> ViTCheckpoint.read(dir));
        assertEquals(dir + ": not a model folder: no model.safetensors in it", empty.getMessage());
        Files.writeString(dir.resolve("pytorch_model.bin"), "pickle");
        var bin = assertThrows(IllegalArgumentException.class, () -> ViTCheckpoint.read(dir));
        assertTrue(bin.getMessage().contains("only pytorch_model.bin"), bin.getMessage());
    }

    @Test
    void malformedCheckpointsNameTheFileTheTensorAndTheCause(@TempDir Path dir) throws IOException {
        Map<String, Tensor> good = Golden.read("timm_layerscale.safetensors");

        Map<String, Tensor> wrongGamma = new LinkedHashMap<>(good);
        wrongGamma.put("blocks.1.ls2.gamma", Tensor.zeros(8));
        var shape = assertThrows(IllegalArgumentException.class, () -> read(dir, "gamma.safetensors", wrongGamma).toModel());
        assertTrue(shape.getMessage().startsWith(dir.resolve("gamma.safetensors") + ": "), shape.getMessage());
        assertTrue(shape.getMessage().contains("blocks.1.ls2.gamma: checkpoint [8] vs model [16]"), shape.getMessage());

        Map<String, Tensor> halfScaled = new LinkedHashMap<>(good);
        halfScaled.remove("blocks.1.ls1.gamma");
        var missing = assertThrows(IllegalArgumentException.class, () -> read(dir, "missing.safetensors", halfScaled).toModel());
        assertTrue(missing.getMessage().contains("missing keys: [blocks.1.ls1.gamma]"), missing.getMessage());

        Map<String, Tensor> registers = new LinkedHashMap<>(good);
        registers.put("reg_token", Tensor.zeros(1, 4, 16));
        var unsupported = assertThrows(IllegalArgumentException.class, () -> read(dir, "reg.safetensors", registers));
        assertTrue(unsupported.getMessage().startsWith(dir.resolve("reg.safetensors") + ": tensor reg_token belongs to a ViT variant that is not supported"),
                unsupported.getMessage());

        Map<String, Tensor> nan = new LinkedHashMap<>(good);
        float[] gamma = good.get("blocks.0.ls2.gamma").toArray();
        gamma[3] = Float.NaN;
        nan.put("blocks.0.ls2.gamma", Tensor.of(gamma, gamma.length));
        var nonFinite = assertThrows(IllegalArgumentException.class, () -> read(dir, "nan.safetensors", nan));
        assertEquals(dir.resolve("nan.safetensors") + ": tensor blocks.0.ls2.gamma holds NaN or infinite values", nonFinite.getMessage());

        Map<String, Tensor> noClassEntry = new LinkedHashMap<>(good);
        noClassEntry.put("pos_embed", good.get("pos_embed").slice(1, 1, 17).contiguous());
        var pos = assertThrows(IllegalArgumentException.class, () -> read(dir, "pos.safetensors", noClassEntry));
        assertTrue(pos.getMessage().contains("pos_embed [1, 16, 16] is not 1 prefix token(s) (cls_token) plus a square patch grid"), pos.getMessage());
    }

    @Test
    void aHubConfigWithAnotherActivationOrPoolingIsRefused(@TempDir Path dir) throws IOException {
        read(dir, "model.safetensors", Golden.read("timm_layerscale.safetensors"));
        Files.writeString(dir.resolve("config.json"), "{\"hidden_act\": \"quick_gelu\"}");
        var act = assertThrows(IllegalArgumentException.class, () -> ViTCheckpoint.read(dir));
        assertTrue(act.getMessage().contains("config.json: hidden_act 'quick_gelu' is not supported"), act.getMessage());
        Files.writeString(dir.resolve("config.json"), "{\"architecture\": \"vit_base_patch16_clip_quickgelu_224\"}");
        var quick = assertThrows(IllegalArgumentException.class, () -> ViTCheckpoint.read(dir));
        assertTrue(quick.getMessage().contains("config.json: QuickGELU models (vit_base_patch16_clip_quickgelu_224) are not supported"), quick.getMessage());
        Files.writeString(dir.resolve("config.json"), "{\"global_pool\": \"map\"}");
        var pool = assertThrows(IllegalArgumentException.class, () -> ViTCheckpoint.read(dir));
        assertTrue(pool.getMessage().contains("config.json: global_pool 'map' is not supported"), pool.getMessage());
        Files.writeString(dir.resolve("config.json"), "{\"global_pool\": \"avg\", \"num_attention_heads\": 2}");
        assertEquals(ViTConfig.Pool.AVG, ViTCheckpoint.read(dir).config().variant().pool()); // class token kept, patches averaged
    }

    private static ViTCheckpoint read(Path dir, String name, Map<String, Tensor> tensors) throws IOException {
        var w = new mdlora.tensor.io.SafetensorsWriter();
        tensors.forEach(w::put);
        w.write(dir.resolve(name));
        return ViTCheckpoint.read(dir.resolve(name));
    }
}
