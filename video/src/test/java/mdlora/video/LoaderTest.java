package mdlora.video;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoaderTest {
    @TempDir
    static Path dir;
    static List<Dataset> domains;

    @BeforeAll
    static void generate() throws IOException {
        domains = SyntheticVideos.generate(dir, new SyntheticVideos.Config(11, 32, 32, 4, 2, 1));
    }

    private static ClipSource source() {
        return new ClipSource(FrameSampler.uniform(3), new ClipTransform(32, 24, new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.25f, 0.25f, 0.25f}), null);
    }

    private static List<Batch> epoch(List<Dataset> data, Loader.Options options, int epoch, List<String> log) {
        List<Batch> out = new ArrayList<>();
        try (Loader loader = new Loader(data, source(), options, log::add); Loader.Epoch batches = loader.epoch(epoch)) {
            while (batches.hasNext()) out.add(batches.next());
        }
        return out;
    }

    private static Loader.Options train(int workers, long seed, Loader.Mixing mixing) {
        return new Loader.Options(4, workers, 2, seed, true, mixing);
    }

    @Test
    void sameSeedGivesTheSameBatchesWhateverTheWorkerCount() {
        List<Batch> one = epoch(domains, train(1, 5, Loader.Mixing.MIXED), 3, new ArrayList<>());
        List<Batch> three = epoch(domains, train(3, 5, Loader.Mixing.MIXED), 3, new ArrayList<>());
        assertEquals(38 / 4, one.size());
        assertEquals(one.size(), three.size());
        for (int i = 0; i < one.size(); i++) {
            assertEquals(one.get(i).paths(), three.get(i).paths());
            assertArrayEquals(one.get(i).labels(), three.get(i).labels());
            assertArrayEquals(one.get(i).domains(), three.get(i).domains());
            assertArrayEquals(one.get(i).clips().toArray(), three.get(i).clips().toArray(), "batch " + i);
        }
        List<Batch> otherEpoch = epoch(domains, train(2, 5, Loader.Mixing.MIXED), 4, new ArrayList<>());
        assertNotEquals(paths(one), paths(otherEpoch));
    }

    @Test
    void batchesHaveTheClipLayoutAndMatchingLabels() {
        Batch b = epoch(domains, train(2, 1, Loader.Mixing.MIXED), 0, new ArrayList<>()).getFirst();
        assertArrayEquals(new int[] {4, 3, 3, 24, 24}, b.clips().shape());
        for (int i = 0; i < b.size(); i++) {
            Dataset d = domains.get(b.domains()[i]);
            assertTrue(d.clips().contains(new ClipRecord(b.paths().get(i), b.labels()[i])));
        }
    }

    @Test
    void perDomainBatchesHoldOneDomainAndMixedOnesMix() {
        List<Batch> perDomain = epoch(domains, train(2, 9, Loader.Mixing.PER_DOMAIN), 0, new ArrayList<>());
        assertEquals(14 / 4 + 12 / 4 + 12 / 4, perDomain.size());
        for (Batch b : perDomain) assertEquals(1, Arrays.stream(b.domains()).distinct().count());
        assertTrue(perDomain.stream().map(b -> b.domains()[0]).distinct().count() == 3);
        assertTrue(epoch(domains, train(2, 9, Loader.Mixing.MIXED), 0, new ArrayList<>()).stream()
                .anyMatch(b -> Arrays.stream(b.domains()).distinct().count() > 1));
    }

    @Test
    void evaluationVisitsEveryClipOnceInOrder() {
        List<Batch> batches = epoch(domains, new Loader.Options(4, 2, 3, 0, false, Loader.Mixing.PER_DOMAIN), 0, new ArrayList<>());
        List<Path> expected = domains.stream().flatMap(d -> d.clips().stream().map(ClipRecord::path)).toList();
        assertEquals(expected, paths(batches));
        assertEquals(2, batches.get(3).size(), "the last partial batch of a domain is kept");
    }

    @Test
    void brokenClipsAreSkippedListedAndLoggedOnceWhileTheRestLoad() throws IOException {
        List<ClipRecord> clips = new ArrayList<>(domains.get(1).clips());
        List<String> broken = List.of("truncated.mp4", "random.mp4", "empty.mp4", "gmc.avi", "temporal.mp4", "truncated.avi");
        for (String name : broken.subList(0, broken.size() - 1)) clips.add(new ClipRecord(Files.copy(TestClips.clip(name), dir.resolve(name)), 0));
        byte[] avi = Files.readAllBytes(TestClips.clip("xvid_p.avi"));
        clips.add(new ClipRecord(Files.write(dir.resolve("truncated.avi"), Arrays.copyOf(avi, avi.length / 2)), 0));
        Dataset withBroken = new Dataset("street", domains.get(1).classes(), clips);
        List<String> log = new CopyOnWriteArrayList<>();
        int loaded;
        try (Loader loader = new Loader(List.of(withBroken), source(), new Loader.Options(3, 2, 2, 4, false, Loader.Mixing.MIXED), log::add);
             Loader.Epoch batches = loader.epoch(0)) {
            loaded = 0;
            while (batches.hasNext()) loaded += batches.next().size();
            assertEquals(broken.size(), loader.skipped());
            try (Loader.Epoch again = loader.epoch(1)) {
                while (again.hasNext()) again.next();
            }
            assertEquals(2 * broken.size(), loader.skipped(), "every epoch leaves them out");
            assertEquals(broken.size(), loader.unreadable().size());
        }
        assertEquals(clips.size() - broken.size(), loaded);
        assertEquals(broken.size(), log.size(), "each broken clip is logged once, not every epoch");
        for (String name : broken) assertTrue(log.stream().anyMatch(l -> l.contains(name)), name + " not in " + log);
    }

    @Test
    void ucf101AndHmdb51TreesOfAvisLoadAsDistributed() throws IOException {
        Path ucf = dir.resolve("UCF101"), hmdb = dir.resolve("HMDB51");
        for (String cls : List.of("Archery", "Bowling")) {
            Files.createDirectories(ucf.resolve("UCF-101/" + cls));
            Files.createDirectories(hmdb.resolve(cls.toLowerCase()));
            for (int c = 1; c <= 2; c++) {
                Files.copy(TestClips.clip("xvid_p.avi"), ucf.resolve("UCF-101/" + cls + "/v_" + cls + "_g01_c0" + c + ".avi"));
                Files.copy(TestClips.clip("divx_packed.avi"), hmdb.resolve(cls.toLowerCase() + "/" + cls + c + ".avi"));
            }
        }
        Files.createDirectories(ucf.resolve("ucfTrainTestlist"));
        Files.write(ucf.resolve("ucfTrainTestlist/classInd.txt"), List.of("1 Archery", "2 Bowling"));
        Files.write(ucf.resolve("ucfTrainTestlist/trainlist01.txt"), List.of("Archery/v_Archery_g01_c01.avi 1", "Bowling/v_Bowling_g01_c01.avi 2"));
        Files.createDirectories(hmdb.resolve("testTrainMulti_7030_splits"));
        for (String cls : List.of("archery", "bowling"))
            Files.write(hmdb.resolve("testTrainMulti_7030_splits/" + cls + "_test_split1.txt"), List.of(cls.substring(0, 1).toUpperCase() + cls.substring(1) + "1.avi 1", cls.substring(0, 1).toUpperCase() + cls.substring(1) + "2.avi 2"));
        Dataset ucf101 = Ucf101.load(ucf.resolve("UCF-101"), ucf.resolve("ucfTrainTestlist"), 1, true);
        Dataset hmdb51 = Hmdb51.load(hmdb, hmdb.resolve("testTrainMulti_7030_splits"), 1, true);
        List<String> log = new ArrayList<>();
        List<Batch> batches = epoch(List.of(ucf101, hmdb51), new Loader.Options(2, 2, 2, 1, true, Loader.Mixing.PER_DOMAIN), 0, log);
        assertEquals(List.of(), log);
        assertEquals(2, batches.size());
        for (Batch b : batches) assertArrayEquals(new int[] {2, 3, 3, 24, 24}, b.clips().shape());
    }

    private static List<Path> paths(List<Batch> batches) {
        return batches.stream().flatMap(b -> b.paths().stream()).toList();
    }
}
