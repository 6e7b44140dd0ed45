package mdlora.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import mdlora.autograd.Variable;
import mdlora.tensor.Rng;
import mdlora.tensor.Tensor;
import org.junit.jupiter.api.Test;

class ModulesTest {
    private final Rng rng = new Rng(3);
    /** image 8, patch 4, width 12, 2 blocks, 2 heads, mlp 24, 5 classes. */
    static final ViTConfig SMALL = new ViTConfig(8, 4, 12, 2, 2, 24, 5, 1e-6f, ViTConfig.HALF, ViTConfig.HALF);

    @Test
    void patchConvolutionEqualsADirectConvolution() {
        int n = 2, c = 3, h = 8, w = 12, p = 4, out = 5;
        PatchConv2d conv = new PatchConv2d(c, out, p, rng);
        Tensor x = rng.normal(0, 1, n, c, h, w), weight = conv.stateDict().get("weight"), bias = conv.stateDict().get("bias");
        Tensor y = conv.forward(Variable.constant(x)).data();
        int gw = w / p;
        for (int b = 0; b < n; b++)
            for (int py = 0; py < h / p; py++)
                for (int px = 0; px < gw; px++)
                    for (int o = 0; o < out; o++) {
                        double s = bias.get(o);
                        for (int ch = 0; ch < c; ch++)
                            for (int i = 0; i < p; i++)
                                for (int j = 0; j < p; j++) s += weight.get(o, ch, i, j) * x.get(b, ch, py * p + i, px * p + j);
                        assertEquals(s, y.get(b, py * gw + px, o), 1e-5);
                    }
    }

    @Test
    void parameterNamesAreTimms() {
        Set<String> timm = Golden.read("timm_vit.safetensors").keySet();
        ViTConfig golden = new ViTConfig(16, 4, 24, 2, 3, 48, 5, 1e-6f, ViTConfig.HALF, ViTConfig.HALF);
        assertEquals(timm, new VisionTransformer(golden, rng).stateDict().keySet());
    }

    @Test
    void tinyPresetHasTimmsParameterCount() {
        VisionTransformer tiny = new VisionTransformer(ViTConfig.tiny16(), rng);
        assertEquals(5_717_416, tiny.parameterCount()); // timm's vit_tiny_patch16_224
        tiny.freeze();
        assertEquals(0, tiny.trainableParameterCount());
        assertEquals(2, tiny.setRequiresGrad(true, "head.*"));
        assertEquals(192 * 1000 + 1000, tiny.trainableParameterCount());
    }

    /** What an adapter does: wraps the Linear it replaces. */
    private static final class CountingLayer extends Module implements Layer {
        final AtomicInteger calls = new AtomicInteger();

        CountingLayer(Linear inner) {
            registerModule("inner", inner);
        }

        @Override
        public Variable forward(Variable x) {
            calls.incrementAndGet();
            return layer("inner").forward(x).mul(2f);
        }
    }

    @Test
    void replacedLinearsTakePartInTheForwardPass() {
        VisionTransformer model = new VisionTransformer(SMALL, rng);
        Variable x = Variable.constant(rng.normal(0, 1, 2, 3, 8, 8));
        Tensor before = model.forward(x).data();
        for (String path : new String[] {"blocks.0.attn.qkv", "blocks.1.attn.proj", "blocks.0.mlp.fc1", "blocks.1.mlp.fc2"}) {
            CountingLayer adapter = new CountingLayer((Linear) model.module(path));
            model.replaceModule(path, adapter);
            model.forward(x);
            assertEquals(1, adapter.calls.get(), path);
        }
        assertTrue(model.stateDict().containsKey("blocks.0.attn.qkv.inner.weight"));
        assertNotEquals(before.get(0, 0), model.forward(x).data().get(0, 0));
    }

    @Test
    void aReplacementThatIsNotALayerIsNamed() {
        VisionTransformer model = new VisionTransformer(SMALL, rng);
        model.replaceModule("blocks.0.mlp.fc1", new ModuleList(java.util.List.of()));
        var e = assertThrows(IllegalStateException.class, () -> model.forward(Variable.constant(Tensor.zeros(1, 3, 8, 8))));
        assertTrue(e.getMessage().contains("Mlp.fc1") && e.getMessage().contains("does not implement Layer"), e.getMessage());
    }

    @Test
    void inputOfAnotherSizeIsAClearError() {
        VisionTransformer model = new VisionTransformer(SMALL, rng);
        var e = assertThrows(IllegalArgumentException.class, () -> model.forward(Variable.constant(Tensor.zeros(1, 3, 12, 12))));
        assertTrue(e.getMessage().contains("built for 8x8 images"), e.getMessage());
        VisionTransformer backbone = new VisionTransformer(SMALL.withNumClasses(0), rng);
        assertThrows(IllegalStateException.class, () -> backbone.forward(Variable.constant(Tensor.zeros(1, 3, 8, 8))));
        assertEquals(12, backbone.forwardFeatures(Variable.constant(Tensor.zeros(1, 3, 8, 8))).size(1));
    }

    @Test
    void dropoutActsOnlyWhileTraining() {
        Dropout drop = new Dropout(0.5f, new Rng(1));
        Variable x = Variable.constant(Tensor.ones(1000));
        Tensor y = drop.forward(x).data();
        double kept = y.sumAll() / 2; // survivors are scaled by 2
        assertTrue(kept > 400 && kept < 600, "kept " + kept);
        drop.eval();
        assertEquals(1000, drop.forward(x).data().sumAll(), 0);
    }

    @Test
    void configRejectsInconsistentSizes() {
        assertThrows(IllegalArgumentException.class, () -> SMALL.withImageSize(10));
        assertThrows(IllegalArgumentException.class, () -> new ViTConfig(8, 4, 12, 2, 5, 24, 5, 1e-6f, ViTConfig.HALF, ViTConfig.HALF));
        assertEquals(196, ViTConfig.base16().numPatches());
        assertEquals(768, ViTConfig.base16().width());
    }
}
