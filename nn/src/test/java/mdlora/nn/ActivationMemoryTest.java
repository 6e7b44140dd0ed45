package mdlora.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import mdlora.autograd.Variable;
import mdlora.tensor.Rng;
import mdlora.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Ways of keeping fewer activations (recomputation per block, no graph for frozen lower blocks) leave the gradients as they were. */
class ActivationMemoryTest {
    private static final ViTConfig CONFIG = ViTConfig.tiny16().withImageSize(32).withNumClasses(3);

    /** The gradient of every trainable parameter after one backward of a fixed projection of the logits. */
    private static Map<String, Tensor> gradients(VisionTransformer vit, Variable images) {
        vit.zeroGrad();
        Variable logits = vit.forward(images);
        logits.mul(Variable.constant(new Rng(5).normal(0f, 1f, logits.shape()))).sum().backward();
        Map<String, Tensor> grads = new LinkedHashMap<>();
        vit.namedParameters().forEach((name, p) -> {
            if (p.requiresGrad()) grads.put(name, p.grad().copy());
        });
        return grads;
    }

    private static void assertSame(Map<String, Tensor> expected, Map<String, Tensor> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((name, g) -> {
            assertNotNull(actual.get(name), name);
            assertTrue(g.allClose(actual.get(name), 1e-5f, 1e-6f), name + " gradient differs");
        });
    }

    @Test
    void recomputedActivationsGiveTheStoredOnesGradients() {
        VisionTransformer vit = new VisionTransformer(CONFIG, new Rng(1));
        vit.freeze();
        vit.setRequiresGrad(true, "blocks.0.attn.qkv.*", "blocks.5.mlp.*", "blocks.11.norm1.*", "head.*");
        Variable images = Variable.constant(new Rng(2).normal(0f, 1f, 2, 3, 32, 32));
        Map<String, Tensor> stored = gradients(vit, images);
        Map<String, Tensor> recomputed = gradients(vit.recomputeActivations(true), images);
        assertEquals(10, stored.size());
        assertSame(stored, recomputed);
    }

    @Test
    void frozenLowerBlocksRecordNoGraphAndLoseNoGradient() {
        VisionTransformer vit = new VisionTransformer(CONFIG, new Rng(3));
        vit.freeze();
        vit.setRequiresGrad(true, "blocks.11.*", "head.*");
        Tensor pixels = new Rng(4).normal(0f, 1f, 2, 3, 32, 32);
        Variable x = Variable.constant(new Rng(6).normal(0f, 1f, 2, 5, CONFIG.width()));
        assertFalse(((ModuleList) vit.child("blocks")).layer(10).forward(x).requiresGrad(), "a frozen block on a constant input keeps a graph");
        // images that need a gradient force the full graph through every block
        Map<String, Tensor> full = gradients(vit, Variable.parameter(pixels));
        Map<String, Tensor> pruned = gradients(vit, Variable.constant(pixels));
        assertSame(full, pruned);
        assertSame(full, gradients(vit.recomputeActivations(true), Variable.constant(pixels)));
    }
}
