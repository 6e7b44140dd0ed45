package mdlora.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TimingTest {
    @Test
    void warmsUpForASecondThenTimesTheRuns() {
        AtomicInteger calls = new AtomicInteger();
        long start = System.nanoTime();
        double best = Timing.bestOf(2, () -> {
            calls.incrementAndGet();
            Thread.onSpinWait();
        });
        double elapsed = (System.nanoTime() - start) * 1e-9;
        assertTrue(elapsed >= 1, "the warm-up lasts at least a second, took " + elapsed);
        assertTrue(calls.get() >= 3 + 2, "three warm-up runs and the two timed ones, got " + calls.get());
        assertTrue(best >= 0 && best < elapsed, "best " + best + " s of " + elapsed + " s");
    }
}
