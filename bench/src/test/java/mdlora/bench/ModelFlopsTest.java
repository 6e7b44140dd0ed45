package mdlora.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The training step's useful work counts the LoRA factors' gradients, as WORKLOADS.md defines it. */
class ModelFlopsTest {
    @Test
    void trainingStepIsTwiceTheForwardPlusTheFactorGradients() {
        // W3: 4 clips x 8 frames x 50 tokens; all-flat, so r = 32 + 32 on qkv (192 -> 576), proj (192 -> 192),
        // fc1 (192 -> 768) and fc2 (768 -> 192) of 12 blocks; 4 products of 2 x tokens x r x width each pair
        var tiny = VideoLoraModel.Setting.TINY;
        double tinyFactors = 4.0 * 1600 * 12 * 64 * (768 + 384 + 960 + 960);
        assertEquals(tinyFactors, tiny.trainFlops() - 2 * tiny.forwardFlops(), 1);
        // W6: 2 x 8 x 197 tokens; r = 32 on the four layers of 12 blocks, plus the domain's 32 on proj, fc1, fc2 of the last
        var base = VideoLoraModel.Setting.BASE;
        double baseFactors = 4.0 * 3152 * 32 * (12 * (3072 + 1536 + 3840 + 3840) + (1536 + 3840 + 3840));
        assertEquals(baseFactors, base.trainFlops() - 2 * base.forwardFlops(), 1);
    }
}
