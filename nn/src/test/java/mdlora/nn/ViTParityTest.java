package mdlora.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mdlora.autograd.Functional;
import mdlora.autograd.Variable;
import mdlora.nn.optim.AdamW;
import mdlora.nn.optim.ParamGroup;
import mdlora.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The Java ViT against a PyTorch ViT of timm's and of Hugging Face's layout (make_vit_golden.py). */
class ViTParityTest {
    private static final int HEADS = 3;

    private static void assertClose(Tensor expected, Tensor actual, double rtol, double atol, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + " shape");
        float[] e = expected.toArray(), a = actual.toArray();
        for (int i = 0; i < e.length; i++)
            assertTrue(Math.abs(e[i] - a[i]) <= atol + rtol * Math.abs(e[i]), what + "[" + i + "]: expected " + e[i] + ", got " + a[i]);
    }

    private static Tensor logits(VisionTransformer model, Tensor input) {
        return model.forward(Variable.constant(input)).data();
    }

    /**
     * Loss on the recorded batch, one AdamW step with the script's hyperparameters (eps 1e-6: see the script),
     * then every weight compared.
     */
    private static void assertAdamWStepMatches(VisionTransformer model, Map<String, Tensor> io, Map<String, Tensor> expected) {
        Variable loss = Functional.crossEntropy(model.forward(Variable.constant(io.get("input"))), Golden.labels(io.get("labels")), 0);
        assertEquals(io.get("loss").item(), loss.item(), 1e-5);
        AdamW opt = new AdamW(List.of(new ParamGroup(model.parameters(), 1e-3, 0.05)), 0.9, 0.999, 1e-6);
        loss.backward();
        opt.step();
        assertEquals(expected.keySet(), model.stateDict().keySet());
        model.stateDict().forEach((name, t) -> assertClose(expected.get(name), t, 1e-5, 1e-5, name));
    }

    private static VisionTransformer timmModel() {
        return ViTCheckpoint.of(Golden.read("timm_vit.safetensors"), HEADS).toModel();
    }

    @Test
    void timmLayoutFeaturesAndLogitsMatchPyTorch() {
        Map<String, Tensor> io = Golden.read("timm_io.safetensors");
        VisionTransformer model = timmModel();
        assertClose(io.get("features"), model.forwardFeatures(Variable.constant(io.get("input"))).data(), 1e-4, 1e-5, "features");
        assertClose(io.get("logits"), logits(model, io.get("input")), 1e-4, 1e-5, "logits");
    }

    @Test
    void timmLayoutAdamWStepMatchesPyTorch() {
        assertAdamWStepMatches(timmModel(), Golden.read("timm_io.safetensors"), Golden.read("timm_adamw_step.safetensors"));
    }

    @Test
    void huggingFaceLayoutFeaturesAndLogitsMatchPyTorch() throws IOException {
        VisionTransformer model = ViTCheckpoint.read(Golden.path("hf/model.safetensors")).toModel();
        Map<String, Tensor> io = Golden.read("hf_io.safetensors");
        assertClose(io.get("features"), model.forwardFeatures(Variable.constant(io.get("input"))).data(), 1e-4, 1e-5, "features");
        assertClose(io.get("logits"), logits(model, io.get("input")), 1e-4, 1e-5, "logits");
    }

    @Test
    void huggingFaceLayoutAdamWStepMatchesPyTorch() throws IOException {
        VisionTransformer model = ViTCheckpoint.read(Golden.path("hf/model.safetensors")).toModel();
        Map<String, Tensor> expected = ViTCheckpoint.of(Golden.read("hf_adamw_step.safetensors"), HEADS).state();
        assertAdamWStepMatches(model, Golden.read("hf_io.safetensors"), expected);
    }

    @Test
    void huggingFaceKeysWithoutVitPrefixLoadTheSame() {
        Map<String, Tensor> bare = new LinkedHashMap<>();
        Golden.read("hf/model.safetensors").forEach((k, v) -> bare.put(k.startsWith("vit.") ? k.substring(4) : k, v));
        Map<String, Tensor> io = Golden.read("hf_io.safetensors");
        assertClose(io.get("logits"), logits(ViTCheckpoint.of(bare, HEADS).toModel(), io.get("input")), 1e-4, 1e-5, "logits");
    }

    @Test
    void configIsInferredFromShapesAndTheHubFilesBeside() throws IOException {
        ViTConfig c = ViTCheckpoint.read(Golden.path("hf/model.safetensors")).config();
        assertEquals(new ViTConfig(16, 4, 24, 2, HEADS, 48, 5, 1e-12f, new ViTConfig.Rgb(0.485f, 0.456f, 0.406f), new ViTConfig.Rgb(0.229f, 0.224f, 0.225f)), c);
        ViTConfig timm = ViTCheckpoint.of(Golden.read("timm_vit.safetensors"), HEADS).config();
        assertEquals(new ViTConfig(16, 4, 24, 2, HEADS, 48, 5, 1e-6f, ViTConfig.HALF, ViTConfig.HALF), timm);
    }

    @Test
    void positionEmbeddingIsResampledAsTimmForALargerImage() {
        Map<String, Tensor> golden = Golden.read("timm_resampled.safetensors");
        ViTCheckpoint ckpt = ViTCheckpoint.of(Golden.read("timm_vit.safetensors"), HEADS);
        VisionTransformer model = new VisionTransformer(ckpt.config().withImageSize(24), new mdlora.tensor.Rng(1));
        ckpt.loadInto(model, ViTCheckpoint.Mode.STRICT);
        assertClose(golden.get("pos_embed"), model.stateDict().get("pos_embed"), 1e-6, 1e-7, "pos_embed");
        assertClose(golden.get("logits"), logits(model, golden.get("input")), 1e-4, 1e-5, "logits at 24x24");
    }
}
