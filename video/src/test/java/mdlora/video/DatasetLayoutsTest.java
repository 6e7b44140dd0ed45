package mdlora.video;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetLayoutsTest {
    @TempDir
    Path root;

    private void touch(String... relative) throws IOException {
        for (String r : relative) {
            Path p = root.resolve(r);
            Files.createDirectories(p.getParent());
            Files.write(p, new byte[0]);
        }
    }

    private Path write(String relative, String... lines) throws IOException {
        Path p = root.resolve(relative);
        Files.createDirectories(p.getParent());
        return Files.write(p, List.of(lines));
    }

    @Test
    void ucf101ReadsClassIndexAndBothListsPreferringReencodedMp4s() throws IOException {
        write("splits/classInd.txt", "1 ApplyEyeMakeup", "2 Archery");
        write("splits/trainlist01.txt", "ApplyEyeMakeup/v_ApplyEyeMakeup_g08_c01.avi 1", "Archery/v_Archery_g08_c02.avi 2");
        write("splits/testlist01.txt", "Archery/v_Archery_g01_c01.avi");
        touch("videos/ApplyEyeMakeup/v_ApplyEyeMakeup_g08_c01.avi", "videos/ApplyEyeMakeup/v_ApplyEyeMakeup_g08_c01.mp4",
                "videos/Archery/v_Archery_g08_c02.avi", "videos/Archery/v_Archery_g01_c01.avi");
        Dataset train = Ucf101.load(root.resolve("videos"), root.resolve("splits"), 1, true);
        assertEquals(List.of("ApplyEyeMakeup", "Archery"), train.classes());
        assertEquals(List.of(new ClipRecord(root.resolve("videos/ApplyEyeMakeup/v_ApplyEyeMakeup_g08_c01.mp4"), 0),
                new ClipRecord(root.resolve("videos/Archery/v_Archery_g08_c02.avi"), 1)), train.clips());
        Dataset test = Ucf101.load(root.resolve("videos"), root.resolve("splits"), 1, false);
        assertEquals(List.of(new ClipRecord(root.resolve("videos/Archery/v_Archery_g01_c01.avi"), 1)), test.clips());
    }

    @Test
    void ucf101AndHmdb51ReadEachOfTheThreeOfficialSplits() throws IOException {
        write("ucf/classInd.txt", "1 Archery");
        write("hmdb/cartwheel_test_split1.txt", "a.avi 1", "b.avi 2", "c.avi 2");
        write("hmdb/cartwheel_test_split2.txt", "a.avi 2", "b.avi 1", "c.avi 2");
        write("hmdb/cartwheel_test_split3.txt", "a.avi 2", "b.avi 2", "c.avi 1");
        touch("v/Archery/v_1.avi", "v/Archery/v_2.avi", "v/Archery/v_3.avi", "h/cartwheel/a.avi", "h/cartwheel/b.avi", "h/cartwheel/c.avi");
        for (int split = 1; split <= 3; split++) {
            write("ucf/trainlist0" + split + ".txt", "Archery/v_" + split + ".avi 1");
            write("ucf/testlist0" + split + ".txt", "Archery/v_" + (split % 3 + 1) + ".avi");
            assertEquals(root.resolve("v/Archery/v_" + split + ".avi"), Ucf101.load(root.resolve("v"), root.resolve("ucf"), split, true).clips().getFirst().path());
            assertEquals(root.resolve("v/Archery/v_" + (split % 3 + 1) + ".avi"), Ucf101.load(root.resolve("v"), root.resolve("ucf"), split, false).clips().getFirst().path());
            assertEquals(List.of(root.resolve("h/cartwheel/" + "abc".charAt(split - 1) + ".avi")),
                    Hmdb51.load(root.resolve("h"), root.resolve("hmdb"), split, true).clips().stream().map(ClipRecord::path).toList());
        }
        assertThrows(IllegalArgumentException.class, () -> Ucf101.load(root.resolve("v"), root.resolve("ucf"), 4, true));
    }

    @Test
    void hmdb51TakesTagOneForTrainingAndTwoForTest() throws IOException {
        write("splits/brush_hair_test_split1.txt", "a.avi 1", "b.avi 2", "c.avi 0");
        write("splits/cartwheel_test_split1.txt", "d.avi 2", "e.avi 1");
        write("splits/cartwheel_test_split2.txt", "d.avi 1");
        touch("v/brush_hair/a.avi", "v/brush_hair/b.avi", "v/cartwheel/d.avi", "v/cartwheel/e.avi");
        Dataset train = Hmdb51.load(root.resolve("v"), root.resolve("splits"), 1, true);
        assertEquals(List.of("brush_hair", "cartwheel"), train.classes());
        assertEquals(List.of(new ClipRecord(root.resolve("v/brush_hair/a.avi"), 0), new ClipRecord(root.resolve("v/cartwheel/e.avi"), 1)), train.clips());
        assertEquals(2, Hmdb51.load(root.resolve("v"), root.resolve("splits"), 1, false).size());
    }

    @Test
    void kinetics400FindsClipsByIdAndTimesInTheUsualFolders() throws IOException {
        Path csv = write("k400/validate.csv", "label,youtube_id,time_start,time_end,split",
                "\"passing American football (in game)\",abc,14,24,validate", "abseiling,xyz,0,10,validate", "abseiling,qqq,5,15,validate");
        touch("k400/videos/passing_American_football_(in_game)/abc_000014_000024.mp4", "k400/videos/abseiling/xyz_000000_000010.mkv",
                "k400/videos/qqq_000005_000015.mp4");
        Dataset d = Kinetics400.load(csv, root.resolve("k400/videos"));
        assertEquals(List.of("abseiling", "passing American football (in game)"), d.classes());
        assertEquals(List.of(1, 0, 0), d.clips().stream().map(ClipRecord::label).toList());
        assertEquals(root.resolve("k400/videos/abseiling/xyz_000000_000010.mkv"), d.clips().get(1).path());
        assertTrue(d.clips().stream().allMatch(c -> Files.exists(c.path())));
    }

    @Test
    void missingClipsAreListedAndCanBeLeftOut() throws IOException {
        Path csv = write("k400/train.csv", "label,youtube_id,time_start,time_end,split", "a,one,1,11,train", "a,two,2,12,train", "b,three,3,13,train");
        touch("k400/v/a/two_000002_000012.mp4");
        Dataset d = Kinetics400.load(csv, root.resolve("k400/v"));
        assertEquals(3, d.size());
        List<ClipRecord> missing = d.missing();
        assertEquals(List.of(root.resolve("k400/v/a/one_000001_000011.mp4"), root.resolve("k400/v/b/three_000003_000013.mp4")),
                missing.stream().map(ClipRecord::path).toList());
        Dataset present = d.without(missing);
        assertEquals(List.of(new ClipRecord(root.resolve("k400/v/a/two_000002_000012.mp4"), 0)), present.clips());
        assertEquals(d.classes(), present.classes(), "a class whose clips are all gone keeps its label");
    }

    @Test
    void plainListsReadPathsAndRawframeFolders() throws IOException {
        touch("clips/a.mp4", "frames/b/img_00001.jpg");
        Path list = write("list.txt", "# comment", "clips/a.mp4 1", "", "frames/b 1 0");
        Dataset d = ClipList.load(list, root, "mine", null);
        assertEquals(List.of("0", "1"), d.classes());
        assertEquals(List.of(new ClipRecord(root.resolve("clips/a.mp4"), 1), new ClipRecord(root.resolve("frames/b"), 0)), d.clips());
    }

    @Test
    void malformedListLinesNameFileAndLine() throws IOException {
        Path list = write("bad.txt", "clips/a.mp4 1", "clips/b.mp4 one");
        IOException e = assertThrows(IOException.class, () -> ClipList.load(list, root, "bad", null));
        assertTrue(e.getMessage().contains("bad.txt:2") && e.getMessage().contains("'one'"), e.getMessage());
        Path tooHigh = write("high.txt", "clips/a.mp4 3");
        touch("clips/a.mp4");
        IOException e2 = assertThrows(IOException.class, () -> ClipList.load(tooHigh, root, "high", List.of("x", "y")));
        assertTrue(e2.getMessage().contains("label 3"), e2.getMessage());
    }
}
