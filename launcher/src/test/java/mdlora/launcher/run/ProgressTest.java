package mdlora.launcher.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressTest {
    private long now;

    @Test
    void plainModePrintsALineEveryIntervalAndASummary() {
        var bytes = new ByteArrayOutputStream();
        var progress = new Progress("train", 100, "steps", 0, new PrintStream(bytes, true, StandardCharsets.UTF_8), false, () -> now);
        for (int i = 0; i < 100; i++) {
            now += 1_000_000_000L; // one step a second
            progress.advance(1, "loss 0.5");
        }
        progress.close();
        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(100 / Progress.PLAIN_INTERVAL_S + 1, lines.length);
        assertTrue(lines[0].startsWith("train: 15/100 steps (15%), 1.0 steps/s, ETA 1:25  loss 0.5"), lines[0]);
        assertTrue(lines[lines.length - 1].contains("100/100 steps (100%), 1.0 steps/s, in 1:40"), lines[lines.length - 1]);
    }

    @Test
    void terminalModeRedrawsABarInPlace() {
        var bytes = new ByteArrayOutputStream();
        var progress = new Progress("eval", 4, "clips", 0, new PrintStream(bytes, true, StandardCharsets.UTF_8), true, () -> now);
        now += 500_000_000L;
        progress.advance(2);
        String shown = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(shown.startsWith("\r\033[K") && shown.contains("[==============>             ] 2/4 clips  4.0 clips/s  ETA 0:01"), shown);
    }

    @Test
    void clockTime() {
        assertEquals("1:15", Progress.clockTime(75.4));
        assertEquals("1:02:05", Progress.clockTime(3725));
    }
}
