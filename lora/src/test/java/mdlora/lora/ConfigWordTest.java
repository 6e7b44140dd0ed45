package mdlora.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ConfigWordTest {
    @Test
    void everyChoiceIsFoundByItsWordWhichIsAlsoItsName() {
        for (MixerInit m : MixerInit.values()) {
            assertEquals(m, ConfigWord.ofWord(MixerInit.class, m.word()));
            assertEquals(m.word(), m.toString());
        }
        for (LoraInit i : LoraInit.values()) assertEquals(i, ConfigWord.ofWord(LoraInit.class, i.word()));
        assertEquals(LoraInit.SUBSPACE_RANDOM, ConfigWord.ofWord(LoraInit.class, "paper"));
    }

    @Test
    void anUnknownWordIsRefusedWithTheWordsThereAre() {
        var e = assertThrows(IllegalArgumentException.class, () -> ConfigWord.ofWord(MixerInit.class, "KAIMING_UNIFORM"));
        assertEquals("'KAIMING_UNIFORM' is not one of none, kaiming, orthogonal, identity", e.getMessage());
    }
}
