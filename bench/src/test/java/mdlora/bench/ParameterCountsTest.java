package mdlora.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import mdlora.lora.ParameterCount;
import mdlora.lora.Placement;
import mdlora.nn.ViTConfig;
import org.junit.jupiter.api.Test;

class ParameterCountsTest {
    @Test
    void countsTheLorasAndThePapersThreeHeads() {
        // per block: r (in + out) over qkv, proj, fc1, fc2 = r (128 + 64 + 96 + 96) = 384 r
        int r = 4;
        ViTConfig vit = new ViTConfig(16, 8, 32, 2, 2, 64, 0, 1e-6f, ViTConfig.HALF, ViTConfig.HALF);
        ParameterCount c = ParameterCounts.count(vit, Placement.allFlat(), r);
        assertEquals(4L * 2 * 384 * r, c.lora(), "shared and three domains on every layer of two blocks");
        assertEquals(c.lora() + 33L * (101 + 400 + 51), c.trainable(), "plus heads of 101, 400 and 51 classes on width 32");
    }
}
