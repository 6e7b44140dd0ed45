package mdlora.video;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import mdlora.tensor.Rng;
import org.junit.jupiter.api.Test;

class FrameSamplerTest {
    @Test
    void uniformEvalTakesSegmentCentres() {
        assertArrayEquals(new int[] {2, 7, 12, 17}, FrameSampler.uniform(4).eval(20));
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7}, FrameSampler.uniform(8).eval(8));
    }

    @Test
    void uniformTrainDrawsOneFrameInEachSegment() {
        FrameSampler s = FrameSampler.uniform(4);
        Rng rng = new Rng(1);
        Set<Integer> seen = new HashSet<>();
        for (int trial = 0; trial < 200; trial++) {
            int[] idx = s.train(20, rng);
            for (int i = 0; i < 4; i++) {
                assertTrue(idx[i] >= 5 * i && idx[i] < 5 * (i + 1), "frame " + idx[i] + " outside segment " + i);
                seen.add(idx[i]);
            }
        }
        assertTrue(seen.size() == 20, "every frame is drawn some time, saw " + seen);
    }

    @Test
    void shortClipsRepeatFrames() {
        assertArrayEquals(new int[] {0, 0, 1, 1, 2, 2}, FrameSampler.uniform(6).eval(3));
        int[] train = FrameSampler.uniform(8).train(3, new Rng(4));
        for (int i = 1; i < 8; i++) assertTrue(train[i] >= train[i - 1] && train[i] < 3);
        assertArrayEquals(new int[] {0, 0, 0}, FrameSampler.uniform(3).train(1, new Rng(2)));
    }

    @Test
    void denseTakesAStridedWindow() {
        FrameSampler s = FrameSampler.dense(4, 2);
        assertArrayEquals(new int[] {3, 5, 7, 9}, s.eval(13)); // window of 7, slack 6, centred at 3
        int[] idx = s.train(13, new Rng(3));
        for (int i = 1; i < 4; i++) assertTrue(idx[i] - idx[i - 1] == 2);
        assertTrue(idx[0] >= 0 && idx[3] <= 12);
        assertArrayEquals(new int[] {0, 2, 4, 1}, s.eval(5), "a short clip loops");
    }

    @Test
    void uniformTestViewsSplitEverySegmentEvenly() {
        FrameSampler s = FrameSampler.uniform(2);
        // segments of 12 frames: views at 1/6, 3/6 and 5/6 of each
        assertArrayEquals(new int[] {2, 14}, s.eval(24, 0, 3));
        assertArrayEquals(new int[] {6, 18}, s.eval(24, 1, 3));
        assertArrayEquals(new int[] {10, 22}, s.eval(24, 2, 3));
        assertArrayEquals(s.eval(24), s.eval(24, 0, 1), "one view is the centred one");
        assertThrows(IllegalArgumentException.class, () -> s.eval(24, 3, 3));
    }

    @Test
    void denseTestViewsRunFromTheStartToTheEndAsMmaction2() {
        FrameSampler s = FrameSampler.dense(4, 2); // a window of 7 frames
        // 20 frames: slack 13; mmaction2 test offsets np.round(arange(3) * 13 / 2) = [0, 6 (6.5 half to even), 13]
        assertArrayEquals(new int[] {0, 2, 4, 6}, s.eval(20, 0, 3));
        assertArrayEquals(new int[] {6, 8, 10, 12}, s.eval(20, 1, 3));
        assertArrayEquals(new int[] {13, 15, 17, 19}, s.eval(20, 2, 3));
        assertArrayEquals(new int[] {6, 8, 10, 12}, s.eval(20), "one view: max_offset // 2");
    }

    @Test
    void trainingDrawsDependOnTheSeedOnly() {
        FrameSampler s = FrameSampler.uniform(8);
        assertArrayEquals(s.train(100, new Rng(9)), s.train(100, new Rng(9)));
        assertNotEquals(java.util.Arrays.toString(s.train(100, new Rng(9))), java.util.Arrays.toString(s.train(100, new Rng(10))));
    }
}
