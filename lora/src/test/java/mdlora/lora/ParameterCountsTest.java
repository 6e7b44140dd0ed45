package mdlora.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ParameterCountsTest {
    @Test
    void countsTheLorasAndThePapersThreeHeads() {
        // per block: r (in + out) over qkv, proj, fc1, fc2 = r (128 + 64 + 96 + 96) = 384 r
        int r = 4;
        ParameterCount c = ParameterCounts.count(TinyVideo.VIT, Placement.allFlat(), r);
        assertEquals(4L * 2 * 384 * r, c.lora(), "shared and three domains on every layer of two blocks");
        assertEquals(c.lora() + 33L * (101 + 400 + 51), c.trainable(), "plus heads of 101, 400 and 51 classes on width 32");
    }
}
