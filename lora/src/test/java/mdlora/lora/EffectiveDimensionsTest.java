package mdlora.lora;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import mdlora.tensor.Rng;
import mdlora.tensor.Tensor;
import mdlora.tensor.io.Json;
import mdlora.tensor.linalg.Svd;
import org.junit.jupiter.api.Test;

class EffectiveDimensionsTest {
    @Test
    void singularValuesAreThoseOfTheFullUpdate() {
        Rng rng = new Rng(1);
        LoraBranch b = new LoraBranch(12, 20, 4, 0.5f, false, Subspace.spannedBy(Orthogonal.random(20, rng).slice(1, 0, 9)),
                LoraInit.SUBSPACE_RANDOM, MixerInit.KAIMING_UNIFORM, rng);
        EffectiveDimensions.Curve c = EffectiveDimensions.curve("fc", "shared", b);
        float[] direct = Svd.of(b.delta()).s().toArray();
        for (int k = 0; k < 4; k++) assertEquals(direct[k], c.singularValues()[k], 1e-4 * direct[0]);
        assertEquals(1.0, c.cumulative()[3], 1e-9);
    }

    @Test
    void rankOneUpdateHasDimensionOneAndZeroUpdateHasNone() {
        Rng rng = new Rng(2);
        LoraBranch b = new LoraBranch(6, 8, 3, 1f, false, null, LoraInit.SUBSPACE_RANDOM, MixerInit.NONE, rng);
        Tensor col = rng.normal(0, 1, 8, 1);
        b.loraB().data().copyFromInPlace(col.mul(Tensor.of(new float[] {1, 2, -1}, 1, 3)));
        EffectiveDimensions.Curve c = EffectiveDimensions.curve("fc", "d", b);
        assertEquals(1.0, c.cumulative()[0], 1e-6);
        assertEquals(1, c.dimension(0.95));
        b.loraB().data().fillInPlace(0);
        EffectiveDimensions.Curve zero = EffectiveDimensions.curve("fc", "d", b);
        assertArrayEquals(new double[3], zero.cumulative());
        assertEquals(0, zero.dimension(0.95));
    }

    @Test
    void everyLoraOfEveryLayerAsJsonAndCsv() {
        MultiDomainLora lora = TinyVideo.model(1).attachLora(LoraConfig.builder().rank(2).init(LoraInit.SUBSPACE_RANDOM).tau(0.9).build(), new Rng(3));
        EffectiveDimensions e = lora.effectiveDimensions();
        assertEquals(8 + 2 * 3, e.curves().size(), "a shared LoRA on 8 layers, two domain LoRAs on 3");
        @SuppressWarnings("unchecked")
        Map<String, Object> first = (Map<String, Object>) ((List<Object>) Json.parse(e.toJson())).get(0);
        assertEquals("blocks.0.attn.qkv", first.get("layer"));
        assertEquals("shared", first.get("lora"));
        assertEquals(2, ((List<?>) first.get("cumulative")).size());
        String[] lines = e.toCsv().split("\n");
        assertEquals("layer,lora,k,singular_value,cumulative", lines[0]);
        assertEquals(1 + 14 * 2, lines.length);
        assertTrue(lines[lines.length - 1].startsWith("blocks.1.mlp.fc2,hmdb51,2,"), lines[lines.length - 1]);
    }
}
