package mdlora.launcher.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The progress line shows the cross-entropy and each separation term apart from the total. */
class LossLineTest {
    @Test
    void partsFollowTheTotal() {
        Map<String, Object> record = new LinkedHashMap<>(Map.of("step", 1, "loss", 26.3012f, "ce", 2.3012f, "separation", 24.0f,
                "orth", 24.0000001f, "ss", -1.234e-7f));
        assertEquals("loss 26.3012 = ce 2.3012 + orth 24.0000 + ss -1.23e-07", Trainer.status(record));
    }

    @Test
    void aJobWithoutPartsShowsItsLoss() {
        assertEquals("loss 0.6931", Trainer.status(Map.of("loss", 0.6931f)));
    }
}
