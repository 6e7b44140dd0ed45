package mdlora.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every array handed out is new and zeroed, whether a worker made it ahead or the caller did. */
class ZeroedArraysTest {

    @Test
    void smallArraysAreMadeInPlace() {
        float[] a = ZeroedArrays.take(ZeroedArrays.MIN_LENGTH - 1);
        assertEquals(ZeroedArrays.MIN_LENGTH - 1, a.length);
        assertEquals(0, ZeroedArrays.ready(ZeroedArrays.MIN_LENGTH - 1));
    }

    @Test
    void sparesAreNeverHandedOutTwiceAndAreZeroEvenAfterEarlierOnesWereWritten() {
        int n = ZeroedArrays.MIN_LENGTH + 777;
        Set<float[]> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<float[]> kept = new ArrayList<>();   // held, so no array can be collected and its memory come back
        for (int round = 0; round < 20; round++) {
            float[] a = ZeroedArrays.take(n);
            assertEquals(n, a.length);
            assertTrue(allZero(a), "round " + round + ": a taken array holds data");
            assertTrue(seen.add(a), "round " + round + ": an array was handed out twice");
            Arrays.fill(a, round + 1f);
            kept.add(a);
            while (ZeroedArrays.makeOne()) { }
        }
        assertEquals(20, kept.size());
    }

    @Test
    void anIdleWorkerMakesSparesOfALengthTheCallerMissed() throws InterruptedException {
        int threads = Parallel.threads();
        try {
            Parallel.setThreads(2);
            int n = ZeroedArrays.MIN_LENGTH + 4321;
            float[] first = ZeroedArrays.take(n);   // a miss: the length now wants a spare
            long until = System.nanoTime() + 5_000_000_000L;
            while (ZeroedArrays.ready(n) == 0 && System.nanoTime() < until) {
                Parallel.range(2, 1, (s, e) -> { });   // wakes the worker, which spins (and makes spares) after the job
                Thread.sleep(1);
            }
            assertTrue(ZeroedArrays.ready(n) > 0, "no spare made by the idle worker within 5 s");
            float[] spare = ZeroedArrays.take(n);
            assertNotSame(first, spare);
            assertTrue(allZero(spare));
        } finally {
            Parallel.setThreads(threads);
        }
    }

    private static boolean allZero(float[] a) {
        for (float v : a) if (v != 0f) return false;
        return true;
    }
}
