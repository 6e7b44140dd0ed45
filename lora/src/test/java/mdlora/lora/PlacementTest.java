package mdlora.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;
import mdlora.nn.Module;
import mdlora.nn.VisionTransformer;
import mdlora.tensor.Rng;
import org.junit.jupiter.api.Test;

class PlacementTest {
    private static final Set<LoraKind> BOTH = Set.of(LoraKind.SHARED, LoraKind.DOMAIN), SHARED = Set.of(LoraKind.SHARED);
    private static final Module VIT = new VisionTransformer(TinyVideo.VIT.withNumClasses(4), new Rng(0));

    @Test
    void upperHeavyPutsBothKindsOnTheLastBlocksProjAndMlpOnly() {
        Map<String, Set<LoraKind>> m = Placement.upperHeavy().resolve(VIT);
        assertEquals(8, m.size(), "qkv, proj, fc1, fc2 of two blocks; the head is not adapted");
        assertEquals(BOTH, m.get("blocks.1.attn.proj"));
        assertEquals(BOTH, m.get("blocks.1.mlp.fc1"));
        assertEquals(BOTH, m.get("blocks.1.mlp.fc2"));
        assertEquals(SHARED, m.get("blocks.1.attn.qkv"));
        for (String l : new String[] {"attn.qkv", "attn.proj", "mlp.fc1", "mlp.fc2"}) assertEquals(SHARED, m.get("blocks.0." + l));
    }

    @Test
    void allFlatAndSharedOnly() {
        Map<String, Set<LoraKind>> flat = Placement.allFlat().resolve(VIT), shared = Placement.sharedOnly().resolve(VIT);
        assertEquals(8, flat.size());
        assertTrue(flat.values().stream().allMatch(BOTH::equals));
        assertEquals(flat.keySet(), shared.keySet());
        assertTrue(shared.values().stream().allMatch(SHARED::equals));
    }

    @Test
    void explicitRulesFirstMatchWinsAndEmptyKindsExclude() {
        Placement p = Placement.of("mine",
                Placement.Rule.of("blocks.0.attn.qkv"),
                Placement.Rule.of("*.attn.*", LoraKind.DOMAIN),
                Placement.Rule.of("head", LoraKind.SHARED));
        Map<String, Set<LoraKind>> m = p.resolve(VIT);
        assertEquals(Set.of("blocks.0.attn.proj", "blocks.1.attn.qkv", "blocks.1.attn.proj", "head"), m.keySet());
        assertEquals(Set.of(LoraKind.DOMAIN), m.get("blocks.1.attn.qkv"));
    }

    @Test
    void mistakesAreReported() {
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> Placement.of("typo", Placement.Rule.of("blocks.*.atn.qkv", LoraKind.SHARED)).resolve(VIT));
        assertTrue(none.getMessage().contains("'typo' matches no linear layer"), none.getMessage());
        Module noBlocks = VIT.module("patch_embed");
        IllegalArgumentException last = assertThrows(IllegalArgumentException.class, () -> Placement.upperHeavy().resolve(noBlocks));
        assertTrue(last.getMessage().contains("{last}"), last.getMessage());
    }
}
