package mdlora.lora.video;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import mdlora.autograd.Autograd;
import mdlora.autograd.Functional;
import mdlora.autograd.Variable;
import mdlora.nn.Layer;
import mdlora.nn.Linear;
import mdlora.nn.Module;
import mdlora.nn.RowDomains;
import mdlora.nn.ViTConfig;
import mdlora.nn.VisionTransformer;
import mdlora.tensor.Rng;
import mdlora.tensor.Tensor;
import org.junit.jupiter.api.Test;

class VideoClassifierTest {
    private static final List<VideoClassifier.Domain> DOMAINS =
            List.of(new VideoClassifier.Domain("ucf", 5), new VideoClassifier.Domain("hmdb", 3), new VideoClassifier.Domain("kinetics", 4));
    private static final int T = 2;
    private static final ViTConfig SMALL = new ViTConfig(8, 4, 12, 2, 2, 24, 5, 1e-6f, ViTConfig.HALF, ViTConfig.HALF);

    private final Rng rng = new Rng(5);

    /** A domain-specific adapter in miniature: adds the row's domain's own bias to a wrapped Linear's output. */
    private static final class DomainBias extends Module implements Layer {
        private final Variable biases;

        DomainBias(Linear inner, int domains, Rng rng) {
            registerModule("inner", inner);
            biases = registerParameter("biases", rng.normal(0, 1, domains, inner.outFeatures()));
        }

        @Override
        public Variable forward(Variable x) {
            throw new IllegalArgumentException("DomainBias needs row domains");
        }

        @Override
        public Variable forward(Variable x, RowDomains domains) {
            Variable rowBias = biases.indexSelect(0, domains.toArray()).unsqueeze(1); // [rows, 1, out] over the tokens
            return layer("inner").forward(x).add(rowBias);
        }
    }

    private VideoClassifier model() {
        VisionTransformer backbone = new VisionTransformer(SMALL.withNumClasses(0), rng);
        VideoClassifier m = new VideoClassifier(backbone, DOMAINS, 0, rng);
        m.replaceModule("backbone.blocks.1.mlp.fc1", new DomainBias((Linear) m.module("backbone.blocks.1.mlp.fc1"), DOMAINS.size(), rng));
        return m;
    }

    private Tensor clips(int b) {
        return rng.normal(0, 1, b, T, 3, 8, 8);
    }

    private static int[] pick(int[] a, int[] idx) {
        int[] out = new int[idx.length];
        for (int i = 0; i < idx.length; i++) out[i] = a[idx[i]];
        return out;
    }

    @Test
    void mixedDomainBatchEqualsEachDomainRunSeparately() {
        VideoClassifier m = model();
        Tensor x = clips(5);
        int[] domain = {2, 0, 2, 1, 0}, labels = {3, 4, 0, 2, 1};
        VideoClassifier.Output mixed = m.forward(Variable.constant(x), domain);
        assertEquals(3, mixed.groups().size());
        double expectedLoss = 0;
        for (VideoClassifier.DomainLogits g : mixed.groups()) {
            int[] s = g.samples();
            Tensor subset = Tensor.concat(0, java.util.Arrays.stream(s).mapToObj(i -> x.slice(0, i, i + 1)).toArray(Tensor[]::new));
            VideoClassifier.Output alone = m.forward(Variable.constant(subset), pick(domain, s));
            assertEquals(1, alone.groups().size());
            assertTrue(alone.groups().get(0).logits().data().allClose(g.logits().data(), 1e-5, 1e-6), "domain " + g.domain());
            assertEquals(DOMAINS.get(g.domain()).numClasses(), g.logits().size(1));
            expectedLoss += s.length * Functional.crossEntropy(alone.groups().get(0).logits(), pick(labels, s), 0.1f).item();
        }
        assertArrayEquals(new int[] {1, 4}, mixed.groups().get(0).samples());
        assertEquals(expectedLoss / 5, mixed.loss(labels, 0.1f).item(), 1e-5);
    }

    @Test
    void forwardGivesTheSameLogitsWhateverRanBefore() {
        VideoClassifier m = model();
        Tensor x = clips(3);
        int[] domain = {1, 0, 2};
        VideoClassifier.Output first = m.forward(Variable.constant(x), domain);
        m.forward(Variable.constant(clips(4)), new int[] {2, 2, 1, 0});
        VideoClassifier.Output again = m.forward(Variable.constant(x), domain);
        for (int g = 0; g < first.groups().size(); g++)
            assertTrue(again.groups().get(g).logits().data().allClose(first.groups().get(g).logits().data(), 0, 0), "group " + g);
    }

    @Test
    void frozenBackboneGivesGradientsToTheHeadsOnly() {
        VideoClassifier m = model();
        m.backbone().freeze();
        m.forward(Variable.constant(clips(3)), new int[] {0, 2, 0}).loss(new int[] {1, 3, 4}, 0).backward();
        Map<String, Variable> params = m.namedParameters();
        params.forEach((name, p) -> {
            if (name.startsWith("heads.1.") || !name.startsWith("heads.")) assertNull(p.grad(), name); // no clip of domain 1 in the batch
            else assertNotNull(p.grad(), name);
        });
        assertEquals((12 * 5 + 5) + (12 * 3 + 3) + (12 * 4 + 4), m.trainableParameterCount());
    }

    @Test
    void predictionsAreEachClipsArgmaxInItsDomain() {
        VideoClassifier m = model();
        int[] domain = {1, 0, 1};
        VideoClassifier.Output out;
        try (var ignored = Autograd.noGrad()) {
            out = m.forward(Variable.constant(clips(3)), domain);
        }
        int[] pred = out.predictions();
        for (VideoClassifier.DomainLogits g : out.groups())
            for (int i = 0; i < g.samples().length; i++) assertEquals((int) g.logits().data().argmax(1).get(i), pred[g.samples()[i]]);
    }

    @Test
    void badInputIsAClearError() {
        VideoClassifier m = model();
        var e = assertThrows(IllegalArgumentException.class, () -> m.forward(Variable.constant(clips(2)), new int[] {0, 3}));
        assertTrue(e.getMessage().contains("clip 1 has domain 3"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> m.forward(Variable.constant(clips(2)), new int[] {0}));
        assertThrows(IllegalArgumentException.class, () -> m.forward(Variable.constant(rng.normal(0, 1, 2, 3, 8, 8)), new int[] {0, 0}));
        assertThrows(IllegalArgumentException.class, () -> new VideoClassifier(new VisionTransformer(SMALL, rng), DOMAINS, 0, rng));
    }

    /** The gradient of each head for loss weights {@code w} (null: unweighted) on a batch mixing domains 0 (3 clips), 1 (1 clip) and 2 (2 clips). */
    private static Map<String, Tensor> headGradients(VideoClassifier m, float[] w) {
        m.zeroGrad();
        Variable clips = Variable.constant(new Rng(9).normal(0, 1, 6, T, 3, 8, 8));
        m.forward(clips, new int[] {0, 1, 0, 2, 0, 2}).loss(new int[] {1, 2, 0, 3, 4, 1}, 0, w).backward();
        Map<String, Tensor> out = new java.util.LinkedHashMap<>();
        m.namedParameters().forEach((name, p) -> { if (name.startsWith("heads.")) out.put(name, p.grad().copy()); });
        return out;
    }

    @Test
    void domainLossWeightsScaleEachDomainsGradientAndMakePerDomainSums() {
        VideoClassifier m = model();
        Map<String, Tensor> plain = headGradients(m, null), weighted = headGradients(m, new float[] {2, 1, 0.5f});
        plain.forEach((name, g) -> {
            float w = name.startsWith("heads.0.") ? 2 : name.startsWith("heads.1.") ? 1 : 0.5f;
            assertTrue(weighted.get(name).allClose(g.mul(w), 1e-6, 1e-7), name);
        });
        Map<String, Tensor> ones = headGradients(m, new float[] {1, 1, 1});
        plain.forEach((name, g) -> assertTrue(ones.get(name).allClose(g, 0, 0), name + ": weights of 1 are the plain mean, bit for bit"));

        // w_d = v_d B / n_d: MTLoRA's sum of the domains' mean cross-entropies
        try (var ignored = Autograd.noGrad()) {
            Variable clips = Variable.constant(new Rng(9).normal(0, 1, 6, T, 3, 8, 8));
            int[] domains = {0, 1, 0, 2, 0, 2}, labels = {1, 2, 0, 3, 4, 1};
            VideoClassifier.Output out = m.forward(clips, domains);
            float[] v = {2, 1, 0.5f}, n = {3, 1, 2};
            float[] w = new float[3];
            for (int d = 0; d < 3; d++) w[d] = v[d] * 6 / n[d];
            double expected = 0;
            for (VideoClassifier.DomainLogits g : out.groups()) {
                int[] target = java.util.Arrays.stream(g.samples()).map(i -> labels[i]).toArray();
                expected += v[g.domain()] * Functional.crossEntropy(g.logits(), target, 0).item();
            }
            assertEquals(expected, out.loss(labels, 0, w).item(), 1e-5);
        }
    }
}
