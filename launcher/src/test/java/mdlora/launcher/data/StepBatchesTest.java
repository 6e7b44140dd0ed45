package mdlora.launcher.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import mdlora.video.Batch;
import mdlora.video.ClipRecord;
import mdlora.video.ClipSource;
import mdlora.video.ClipTransform;
import mdlora.video.Dataset;
import mdlora.video.FrameSampler;
import mdlora.video.Loader;
import mdlora.video.SyntheticVideos;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Decoded step batches follow their plan, in order or not, and a step whose clips all fail to load is drawn afresh, the same way every time;
 * a data-parallel task decodes its rows alone.
 */
class StepBatchesTest {
    @TempDir
    static Path dir;
    private static Dataset good, halfBroken, broken;

    @BeforeAll
    static void clips() throws IOException {
        good = SyntheticVideos.generate(dir, new SyntheticVideos.Config(0, 32, 32, 4, 2, 1)).getFirst();
        List<ClipRecord> half = new ArrayList<>(), none = new ArrayList<>();
        for (int i = 0; i < good.size(); i++) {
            ClipRecord junk = new ClipRecord(Files.write(dir.resolve("junk" + i + ".mp4"), new byte[] {1, 2, 3, 4}), 0);
            half.add(i % 2 == 0 ? good.clips().get(i) : junk);
            none.add(junk);
        }
        halfBroken = new Dataset("half", good.classes(), half);
        broken = new Dataset("broken", good.classes(), none);
    }

    private static StepBatches batches(List<Dataset> domains, double[] sampling, int batch, List<String> log) {
        ClipSource source = new ClipSource(FrameSampler.uniform(2), new ClipTransform(32, 16, new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.25f, 0.25f, 0.25f}), null);
        Loader loader = new Loader(domains, source, new Loader.Options(batch, 2, 2, 3, true, Loader.Mixing.MIXED), log::add);
        return new StepBatches(loader, new StepPlan(domains, sampling, batch, 3), 2);
    }

    @Test
    void batchesAreThoseOfThePlanInAnyOrderAndBrokenStepsAreRedrawnTheSameWay() {
        List<String> log = new CopyOnWriteArrayList<>();
        List<List<Path>> inOrder = new ArrayList<>();
        try (StepBatches b = batches(List.of(good, halfBroken), new double[] {0.2, 0.8}, 1, log)) {
            for (int s = 0; s < 16; s++) inOrder.add(b.at(s).paths());
        }
        assertTrue(log.stream().anyMatch(l -> l.contains("junk")), "broken clips are logged: " + log);
        for (List<Path> paths : inOrder) assertTrue(paths.size() == 1 && !paths.getFirst().toString().contains("junk"), paths.toString());
        try (StepBatches b = batches(List.of(good, halfBroken), new double[] {0.2, 0.8}, 1, log)) {
            for (int s : new int[] {15, 2, 9, 9, 10, 0}) assertEquals(inOrder.get(s), b.at(s).paths(), "step " + s);
        }
    }

    @Test
    void aDomainWhoseClipsAllFailStopsTrainingWithOneLine() {
        try (StepBatches b = batches(List.of(broken), new double[] {1}, 2, new CopyOnWriteArrayList<>())) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> b.at(0));
            assertTrue(e.getMessage().contains("no clip of step 1's batch could be loaded"), e.getMessage());
        }
    }

    @Test
    void aDataParallelTaskDecodesOnlyItsRowsAndTheSharesMakeUpTheBatch() {
        List<String> log = new CopyOnWriteArrayList<>();
        try (StepBatches whole = batches(List.of(good, halfBroken), new double[] {0.5, 0.5}, 5, log);
             StepBatches shares = batches(List.of(good, halfBroken), new double[] {0.5, 0.5}, 5, log)) {
            for (int step = 0; step < 4; step++) {
                Batch b = whole.at(step);
                List<Path> paths = new ArrayList<>();
                List<float[]> rows = new ArrayList<>();
                for (int[] r : new int[][] {{0, 2}, {2, 5}}) {
                    Batch part = shares.share(step, r[0], r[1]);
                    if (part == null) continue; // every planned row of the share was broken
                    assertTrue(part.size() <= r[1] - r[0], "a share decodes its rows only");
                    paths.addAll(part.paths());
                    for (int i = 0; i < part.size(); i++) rows.add(part.clips().select(0, i).toArray());
                }
                assertEquals(b.paths(), paths, "step " + step + ": the shares' clips are the batch's (broken ones left out of both)");
                for (int i = 0; i < b.size(); i++) assertArrayEquals(b.clips().select(0, i).toArray(), rows.get(i), "same augmentation, row " + i);
                assertEquals(5, shares.plannedDomains(step).length);
            }
        }
    }
}
