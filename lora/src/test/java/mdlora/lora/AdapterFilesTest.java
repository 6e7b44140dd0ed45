package mdlora.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import mdlora.autograd.Autograd;
import mdlora.lora.video.VideoClassifier;
import mdlora.tensor.Rng;
import mdlora.tensor.Tensor;
import mdlora.tensor.io.Json;
import mdlora.tensor.io.SafetensorsFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdapterFilesTest {
    private static final LoraConfig FULL = LoraConfig.builder().placement(Placement.upperHeavy()).rank(3).init(LoraInit.SUBSPACE_RANDOM)
            .mixer(MixerInit.ORTHOGONAL).trainableScales(true).tau(0.9).build();

    private static Tensor logits(VideoClassifier model, int domain) {
        try (var ignored = Autograd.noGrad()) {
            return model.forward(TinyVideo.clips(2, 5), new int[] {domain, domain}).groups().get(0).logits().data();
        }
    }

    /** Moves every trainable scale off its configured value, as training would. */
    private static void perturbScales(MultiDomainLora lora) {
        for (LoraLinear l : lora.layers().values()) {
            if (l.shared() != null) l.shared().trainableScale().data().mulInPlace(1.5f);
            for (LoraBranch b : l.domains()) b.trainableScale().data().mulInPlace(0.5f);
        }
    }

    @Test
    void roundTripRestoresEveryFactorAndTheModel(@TempDir Path dir) throws Exception {
        VideoClassifier saved = TinyVideo.model(1);
        MultiDomainLora a = saved.attachLora(FULL, new Rng(2));
        perturbScales(a);
        a.saveAdapters(dir);
        VideoClassifier loaded = TinyVideo.model(1);
        MultiDomainLora b = loaded.attachLora(FULL, new Rng(3));
        b.loadAdapters(dir);
        a.layers().forEach((path, la) -> {
            LoraLinear lb = b.layers().get(path);
            assertTrue(lb.shared().loraA().data().allClose(la.shared().loraA().data(), 0, 0), path);
            assertTrue(lb.shared().mixer().data().allClose(la.shared().mixer().data(), 0, 0), path);
            assertEquals(la.shared().scale(), lb.shared().scale(), path);
            assertTrue(lb.shared().delta().allClose(la.shared().delta(), 1e-5, 1e-6), path);
            for (int d = 0; d < la.domains().size(); d++) assertTrue(lb.domains().get(d).delta().allClose(la.domains().get(d).delta(), 1e-5, 1e-6));
        });
        for (int d = 0; d < 2; d++) assertTrue(logits(loaded, d).allClose(logits(saved, d), 1e-5, 1e-6));
    }

    @Test
    void filesFollowPeftsLayoutAndItsViewIsTheExactUpdate(@TempDir Path dir) throws Exception {
        MultiDomainLora lora = TinyVideo.model(1).attachLora(FULL, new Rng(2));
        perturbScales(lora);
        lora.saveAdapters(dir);
        try (var files = Files.list(dir)) {
            assertEquals(List.of("hmdb51", "shared", "ucf101"), files.map(p -> p.getFileName().toString()).sorted().toList());
        }
        Map<String, Object> cfg = Json.parseObject(Files.readString(dir.resolve("ucf101/adapter_config.json")));
        assertEquals("LORA", cfg.get("peft_type"));
        assertEquals(List.of("blocks.1.attn.proj", "blocks.1.mlp.fc1", "blocks.1.mlp.fc2"), cfg.get("target_modules"));
        @SuppressWarnings("unchecked")
        Map<String, Object> ours = (Map<String, Object>) cfg.get("mdlora");
        assertEquals("left_null", ours.get("subspace"));
        assertTrue(((String) ours.get("base_fingerprint")).startsWith("sha256:"));
        LoraBranch fc1 = lora.layers().get("blocks.1.mlp.fc1").domains().get(0);
        try (var f = SafetensorsFile.open(dir.resolve("ucf101/adapter_model.safetensors"))) {
            Tensor peftA = f.tensor("base_model.model.blocks.1.mlp.fc1.lora_A.weight"), peftB = f.tensor("base_model.model.blocks.1.mlp.fc1.lora_B.weight");
            float peftScale = ((Number) cfg.get("lora_alpha")).floatValue() / 3;
            assertTrue(peftB.matmul(peftA).mul(peftScale).allClose(fc1.delta(), 1e-5, 1e-6), "PEFT's scale * B A is our update");
            assertTrue(f.contains("mdlora.blocks.1.mlp.fc1.M") && f.contains("mdlora.blocks.1.mlp.fc1.scale"));
        }
    }

    @Test
    void aDifferentBackboneFailsWithAClearMessage(@TempDir Path dir) throws Exception {
        TinyVideo.model(1).attachLora(FULL, new Rng(2)).saveAdapters(dir);
        MultiDomainLora other = TinyVideo.model(8).attachLora(FULL, new Rng(2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> other.loadAdapters(dir));
        assertTrue(e.getMessage().contains("trained on a different backbone"), e.getMessage());
    }

    @Test
    void placementAndRankMismatchesAreNamed(@TempDir Path dir) throws Exception {
        LoraConfig plain = FULL.toBuilder().subspaceConstraints(false).build();
        TinyVideo.model(1).attachLora(plain, new Rng(2)).saveAdapters(dir);
        MultiDomainLora flat = TinyVideo.model(1).attachLora(plain.toBuilder().placement(Placement.allFlat()).build(), new Rng(2));
        IllegalArgumentException modules = assertThrows(IllegalArgumentException.class, () -> flat.loadAdapters(dir));
        assertTrue(modules.getMessage().contains("not in the adapter: [blocks.0.attn.proj"), modules.getMessage());
        MultiDomainLora rank = TinyVideo.model(1).attachLora(plain.toBuilder().sharedRank(5).build(), new Rng(2));
        IllegalArgumentException r = assertThrows(IllegalArgumentException.class, () -> rank.loadAdapters(dir));
        assertTrue(r.getMessage().contains("has rank 3 but this model's LoRA at 'blocks.0.attn.qkv' has rank 5"), r.getMessage());
    }

    @Test
    void peftAdapterWrittenByPyTorchLoads() throws Exception {
        Path dir = Path.of(getClass().getResource("/mdlora/lora/peft_adapter").toURI());
        LoraConfig c = LoraConfig.builder().placement(Placement.upperHeavy()).sharedRank(4).domainRanks(Map.of("ucf101", 2, "hmdb51", 3))
                .subspaceConstraints(false).mixer(MixerInit.KAIMING_UNIFORM).build();
        MultiDomainLora lora = TinyVideo.model(1).attachLora(c, new Rng(2));
        lora.loadAdapters(dir);
        try (var expected = SafetensorsFile.open(dir.resolve("expected.safetensors"))) {
            int checked = 0;
            for (String adapter : List.of("shared", "ucf101", "hmdb51")) {
                for (var e : lora.branches(adapter).entrySet()) {
                    String key = adapter + "/" + e.getKey();
                    Tensor y = expected.tensor(key + "/x").matmul(e.getValue().delta().mT());
                    assertTrue(y.allClose(expected.tensor(key + "/y"), 1e-4, 1e-6), key);
                    checked++;
                }
            }
            assertEquals(8 + 3 + 3, checked);
        }
        MultiDomainLora constrained = TinyVideo.model(1).attachLora(c.toBuilder().subspaceConstraints(true).tau(0.9).build(), new Rng(2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> constrained.loadAdapters(dir));
        assertTrue(e.getMessage().contains("lies outside the subspace"), e.getMessage());
    }

    @Test
    void mergedModelsAreNotSavedOrLoaded(@TempDir Path dir) {
        MultiDomainLora lora = TinyVideo.model(1).attachLora(FULL, new Rng(2));
        lora.merge("ucf101");
        assertTrue(assertThrows(IllegalStateException.class, () -> lora.saveAdapters(dir)).getMessage().contains("unmerge"));
        assertTrue(assertThrows(IllegalStateException.class, () -> lora.loadAdapters(dir)).getMessage().contains("unmerge"));
    }

    @Test
    void adaptersSavedAfterMergeAndUnmergeLoadOntoTheSameBackbone(@TempDir Path dir) throws Exception {
        VideoClassifier saved = TinyVideo.model(1);
        MultiDomainLora a = MultiDomainLora.attach(saved, FULL, TinyVideo.NAMES, new Rng(2));
        perturbScales(a);
        a.merge("hmdb51");
        a.unmerge();
        a.saveAdapters(dir);
        VideoClassifier loaded = TinyVideo.model(1);
        MultiDomainLora.attach(loaded, FULL, TinyVideo.NAMES, new Rng(3)).loadAdapters(dir);
        for (int d = 0; d < 2; d++) assertTrue(logits(loaded, d).allClose(logits(saved, d), 1e-5, 1e-6));
    }

    /** Both ways of attaching name the layers as timm does, so each loads the other's adapters (they were refused as "a different backbone"). */
    @Test
    void adaptersRoundTripBetweenAttachingToTheWholeModelAndToItsBackbone(@TempDir Path dir) throws Exception {
        VideoClassifier whole = TinyVideo.model(1);
        MultiDomainLora onWhole = MultiDomainLora.attach(whole, FULL, TinyVideo.NAMES, new Rng(2));
        perturbScales(onWhole);
        assertTrue(onWhole.layers().containsKey("blocks.1.attn.proj"), onWhole.layers().keySet().toString());
        onWhole.saveAdapters(dir.resolve("whole"));
        VideoClassifier viaBackbone = TinyVideo.model(1);
        MultiDomainLora onBackbone = viaBackbone.attachLora(FULL, new Rng(3));
        onBackbone.loadAdapters(dir.resolve("whole"));
        for (int d = 0; d < 2; d++) assertTrue(logits(viaBackbone, d).allClose(logits(whole, d), 1e-5, 1e-6));

        onBackbone.saveAdapters(dir.resolve("backbone"));
        VideoClassifier wholeAgain = TinyVideo.model(1);
        MultiDomainLora.attach(wholeAgain, FULL, TinyVideo.NAMES, new Rng(4)).loadAdapters(dir.resolve("backbone"));
        for (int d = 0; d < 2; d++) assertTrue(logits(wholeAgain, d).allClose(logits(whole, d), 1e-5, 1e-6));
        assertEquals(Files.readString(dir.resolve("whole/shared/adapter_config.json")), Files.readString(dir.resolve("backbone/shared/adapter_config.json")));
    }

    /** Moves every head off its initial values, so that a restored head is told from a fresh one. */
    private static void perturbHeads(VideoClassifier model) {
        model.namedParameters().forEach((name, p) -> { if (name.startsWith("heads.")) p.data().addInPlace(new Rng(name.hashCode()).normal(0, 1, p.shape())); });
    }

    @Test
    void eachDomainsHeadTravelsInItsAdapterAsPeftsModulesToSave(@TempDir Path dir) throws Exception {
        VideoClassifier saved = TinyVideo.model(1);
        MultiDomainLora a = saved.attachLora(FULL, new Rng(2));
        perturbScales(a);
        perturbHeads(saved);
        saved.saveAdapters(a, dir, PeftNames.TIMM);
        for (int d = 0; d < 2; d++) {
            String name = TinyVideo.NAMES.get(d);
            Map<String, Object> cfg = Json.parseObject(Files.readString(dir.resolve(name + "/adapter_config.json")));
            assertEquals(List.of("head"), cfg.get("modules_to_save"));
            try (SafetensorsFile f = SafetensorsFile.open(dir.resolve(name + "/adapter_model.safetensors"))) {
                // the keys PEFT's get_peft_model_state_dict writes for modules_to_save: base_model.model.<module>.<param>
                assertTrue(f.tensor("base_model.model.head.weight").allClose(saved.module("heads." + d).stateDict().get("weight"), 0, 0));
                assertTrue(f.tensor("base_model.model.head.bias").allClose(saved.module("heads." + d).stateDict().get("bias"), 0, 0));
            }
        }
        assertEquals(null, Json.parseObject(Files.readString(dir.resolve("shared/adapter_config.json"))).get("modules_to_save"));

        VideoClassifier loaded = TinyVideo.model(1);
        loaded.loadAdapters(loaded.attachLora(FULL, new Rng(3)), dir);
        for (int d = 0; d < 2; d++) assertTrue(logits(loaded, d).allClose(logits(saved, d), 1e-5, 1e-6), "domain " + d + ": LoRAs and head restored together");
    }

    /**
     * Under Hugging Face ViT's names a qkv LoRA becomes three, query, key and value, whose PEFT updates
     * (lora_alpha / r) lora_B lora_A are exactly the fused update's row blocks; the other layers are renamed
     * and the head is saved as {@code classifier}.
     */
    @Test
    void huggingFaceNamesSplitQkvExactlyIntoQueryKeyAndValue(@TempDir Path dir) throws Exception {
        LoraConfig flat = FULL.toBuilder().placement(Placement.allFlat()).build();
        VideoClassifier model = TinyVideo.model(1);
        MultiDomainLora lora = model.attachLora(flat, new Rng(2));
        perturbScales(lora);
        model.saveAdapters(lora, dir, PeftNames.HF_VIT);
        int width = TinyVideo.VIT.width();
        for (String adapter : List.of("shared", "hmdb51")) {
            Map<String, Object> cfg = Json.parseObject(Files.readString(dir.resolve(adapter + "/adapter_config.json")));
            @SuppressWarnings("unchecked")
            List<String> targets = (List<String>) cfg.get("target_modules");
            assertTrue(targets.containsAll(List.of("vit.encoder.layer.1.attention.attention.query", "vit.encoder.layer.1.attention.attention.key",
                    "vit.encoder.layer.1.attention.attention.value", "vit.encoder.layer.1.attention.output.dense",
                    "vit.encoder.layer.1.intermediate.dense", "vit.encoder.layer.0.output.dense")), targets.toString());
            assertEquals(4 * 2 + 2 * 2, targets.size(), targets.toString());
            double peftScale = ((Number) cfg.get("lora_alpha")).doubleValue() / ((Number) cfg.get("r")).doubleValue();
            try (SafetensorsFile f = SafetensorsFile.open(dir.resolve(adapter + "/adapter_model.safetensors"))) {
                for (int block = 0; block < 2; block++) {
                    LoraLinear qkv = lora.layers().get("blocks." + block + ".attn.qkv");
                    Tensor fused = adapter.equals("shared") ? qkv.shared().delta() : qkv.domains().get(1).delta();
                    String[] parts = {"query", "key", "value"};
                    for (int p = 0; p < 3; p++) {
                        String m = "base_model.model.vit.encoder.layer." + block + ".attention.attention." + parts[p];
                        Tensor delta = f.tensor(m + ".lora_B.weight").matmul(f.tensor(m + ".lora_A.weight")).mul((float) peftScale);
                        assertTrue(delta.allClose(fused.slice(0, p * width, (p + 1) * width), 1e-5, 1e-6), m);
                    }
                    LoraLinear fc1 = lora.layers().get("blocks." + block + ".mlp.fc1");
                    String m = "base_model.model.vit.encoder.layer." + block + ".intermediate.dense";
                    Tensor delta = f.tensor(m + ".lora_B.weight").matmul(f.tensor(m + ".lora_A.weight")).mul((float) peftScale);
                    assertTrue(delta.allClose(adapter.equals("shared") ? fc1.shared().delta() : fc1.domains().get(1).delta(), 1e-5, 1e-6), m);
                }
                if (!adapter.equals("shared")) assertTrue(f.contains("base_model.model.classifier.weight"));
            }
            if (!adapter.equals("shared")) assertEquals(List.of("classifier"), cfg.get("modules_to_save"));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TinyVideo.model(1).attachLora(flat, new Rng(3)).loadAdapters(dir));
        assertTrue(e.getMessage().contains("hf_vit"), e.getMessage());
        IllegalArgumentException custom = assertThrows(IllegalArgumentException.class, () -> PeftNames.HF_VIT.targets("heads.0", 5));
        assertTrue(custom.getMessage().contains("has no Hugging Face ViT name"), custom.getMessage());
    }
}
