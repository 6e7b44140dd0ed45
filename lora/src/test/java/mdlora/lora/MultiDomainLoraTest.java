package mdlora.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import mdlora.autograd.Variable;
import mdlora.lora.video.VideoClassifier;
import mdlora.tensor.Rng;
import org.junit.jupiter.api.Test;

class MultiDomainLoraTest {
    private static MultiDomainLora attach(VideoClassifier model, LoraConfig.Builder config) {
        return model.attachLora(config.build(), new Rng(7));
    }

    @Test
    void attachFreezesTheBackboneAndTrainsLorasAndHeads() {
        VideoClassifier model = TinyVideo.model(1);
        MultiDomainLora lora = attach(model, LoraConfig.builder().placement(Placement.upperHeavy()).rank(4));
        assertEquals(8, lora.layers().size());
        assertTrue(model.module("backbone.blocks.0.attn.qkv") instanceof LoraLinear);
        for (var e : model.namedParameters().entrySet()) {
            boolean lora_ = e.getKey().contains(".lora_"), head = e.getKey().startsWith("heads.");
            assertEquals(lora_ || head, e.getValue().requiresGrad(), e.getKey());
        }
    }

    @Test
    void trainableCountsFollowTheArithmetic() {
        // width 32, MLP 64: per block qkv r(32+96), proj r(32+32), fc1 r(32+64), fc2 r(64+32) = 384 r
        int r = 4;
        ParameterCount flat = attach(TinyVideo.model(1), LoraConfig.builder().placement(Placement.allFlat()).rank(r)).parameterCount();
        assertEquals(2 * 384 * r, flat.shared());
        assertEquals(Map.of("ucf101", 2L * 384 * r, "hmdb51", 2L * 384 * r), flat.perDomain());
        assertEquals(3 * 2 * 384 * r, flat.trainable(), "the LoRAs: the heads are the classifier's, not the adapted backbone's");
        ParameterCount upper = attach(TinyVideo.model(1), LoraConfig.builder().placement(Placement.upperHeavy()).rank(r)).parameterCount();
        assertEquals(2 * 384 * r, upper.shared());
        assertEquals(r * (64 + 96 + 96), upper.perDomain().get("hmdb51"), "proj, fc1, fc2 of the last block");
        ParameterCount mixed = attach(TinyVideo.model(1), LoraConfig.builder().placement(Placement.sharedOnly()).rank(r)
                .mixer(MixerInit.IDENTITY).trainableScales(true)).parameterCount();
        assertEquals(8 * (r * r + 1) + 2 * 384 * r, mixed.shared(), "a mixer and a scale per LoRA");
    }

    @Test
    void perDomainRanksAndScales() {
        MultiDomainLora lora = attach(TinyVideo.model(1), LoraConfig.builder().placement(Placement.allFlat()).sharedRank(4).domainRank(2)
                .domainRanks(Map.of("hmdb51", 3)).sharedAlpha(8).domainAlpha(6).rsLora(true).subspaceConstraints(false));
        LoraLinear l = lora.layers().get("blocks.0.mlp.fc1");
        assertEquals(4, l.shared().rank());
        assertEquals(2, l.domains().get(0).rank());
        assertEquals(3, l.domains().get(1).rank());
        assertEquals(8 / 2f, l.shared().scale(), 1e-6);
        assertEquals(6 / (float) Math.sqrt(3), l.domains().get(1).scale(), 1e-6);
    }

    @Test
    void unfreezeOptionsFollowTimmNames() {
        VideoClassifier model = TinyVideo.model(1);
        attach(model, LoraConfig.builder().rank(2).unfreezeNorms(true).unfreezePatchEmbed(true).unfreezePosEmbed(true));
        List<String> extra = new ArrayList<>();
        model.namedParameters().forEach((k, v) -> { if (v.requiresGrad() && !k.contains(".lora_") && !k.startsWith("heads.")) extra.add(k); });
        assertEquals(List.of("backbone.pos_embed", "backbone.patch_embed.proj.weight", "backbone.patch_embed.proj.bias",
                "backbone.blocks.0.norm1.weight", "backbone.blocks.0.norm1.bias", "backbone.blocks.0.norm2.weight", "backbone.blocks.0.norm2.bias",
                "backbone.blocks.1.norm1.weight", "backbone.blocks.1.norm1.bias", "backbone.blocks.1.norm2.weight", "backbone.blocks.1.norm2.bias",
                "backbone.norm.weight", "backbone.norm.bias"), extra);
    }

    @Test
    void separationLossSumsBothTermsOverDomainLayersWithTheirWeights() {
        MultiDomainLora lora = attach(TinyVideo.model(1), LoraConfig.builder().placement(Placement.upperHeavy()).rank(3)
                .init(LoraInit.SUBSPACE_RANDOM).lambdaOrth(0.5f).lambdaSeparation(0.25f));
        double orth = 0, subspace = 0;
        for (LoraLinear l : lora.layers().values()) {
            if (!l.hasDomains()) continue;
            List<Variable> b = l.domains().stream().map(LoraBranch::projectedB).toList();
            orth += 0.5 * SeparationLoss.orthogonality(b).item();
            subspace += 0.25 * SeparationLoss.subspaceSeparation(b).item();
        }
        double expected = orth + subspace;
        Variable loss = lora.separationLoss();
        assertEquals(expected, loss.item(), 1e-5 * Math.abs(expected));
        MultiDomainLora.Separation parts = lora.separation();
        assertEquals(orth, parts.orthogonality(), 1e-5 * Math.abs(orth), "lambda1 L_orth apart");
        assertEquals(subspace, parts.subspace(), 1e-5 * Math.abs(subspace), "lambda2 L_ss apart");
        assertEquals(loss.item(), parts.total().item());
        loss.backward();
        assertTrue(lora.layers().get("blocks.1.mlp.fc1").domains().get(0).loraB().grad() != null);
        MultiDomainLora off = attach(TinyVideo.model(1), LoraConfig.builder().rank(2).lambdaOrth(0).lambdaSeparation(0));
        assertEquals(0f, off.separationLoss().item());
        assertFalse(off.separationLoss().requiresGrad());
    }

    @Test
    void separationLossGradientsFlowThroughTheProjections() {
        MultiDomainLora lora = attach(TinyVideo.model(1), LoraConfig.builder().placement(Placement.upperHeavy()).rank(2)
                .init(LoraInit.SUBSPACE_RANDOM).tau(0.8).lambdaOrth(1).lambdaSeparation(0.5f));
        LoraLinear l = lora.layers().get("blocks.1.attn.proj");
        GradCheck.check("separation loss", lora::separationLoss, List.of(l.domains().get(0).loraB(), l.domains().get(1).loraB()));
    }

    @Test
    void badDomainsAndDoubleAttachAreRefused() {
        LoraConfig c = LoraConfig.builder().rank(2).build();
        IllegalArgumentException reserved = assertThrows(IllegalArgumentException.class,
                () -> MultiDomainLora.attach(new mdlora.nn.VisionTransformer(TinyVideo.VIT, new Rng(0)), c, List.of("shared"), new Rng(0)));
        assertTrue(reserved.getMessage().contains("'shared'"), reserved.getMessage());
        VideoClassifier model = TinyVideo.model(1);
        model.attachLora(c, new Rng(0));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> model.attachLora(c, new Rng(0)))
                .getMessage().contains("already has LoRA layers"));
    }
}
