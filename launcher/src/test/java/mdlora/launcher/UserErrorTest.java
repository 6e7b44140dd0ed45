package mdlora.launcher;

import static mdlora.launcher.Launcher.line;
import static mdlora.launcher.Launcher.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import mdlora.tensor.Tensor;
import mdlora.tensor.io.SafetensorsWriter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every mistake a user can make is one clear line on standard error and a non-zero exit, never a stack trace. */
class UserErrorTest {
    @TempDir
    static Path dir;
    static Path data, backbone, run;

    @BeforeAll
    static void tinyRun() throws Exception {
        data = Launcher.tinyDataset(dir.resolve("data"));
        backbone = Launcher.tinyBackbone(dir.resolve("pretrain"));
        run = dir.resolve("run");
        ok(line("train", Launcher.tinyTraining(data, backbone, "--steps", "2", "--eval-every", "0"), "--out", run.toString()));
    }

    /** Runs a command that must fail with one line naming {@code expected}. */
    private static void fails(String expected, String... args) {
        Launcher.Result r = Launcher.run(args);
        assertNotEquals(0, r.code(), "should fail: mdlora " + String.join(" ", args));
        String err = r.err().strip();
        assertFalse(err.contains("\n"), "one line, got:\n" + err);
        assertTrue(err.startsWith("mdlora " + args[0] + ": "), err);
        assertFalse(err.contains("Exception") || err.contains("\tat "), err);
        assertTrue(err.contains(expected), "'" + expected + "' not in: " + err);
    }

    @Test
    void missingPaths() {
        fails("no such folder", "train", "--domain", "a=list:" + dir.resolve("nowhere"), "--out", dir.resolve("r1").toString());
        fails("no such file or directory", "eval", "--run", dir.resolve("nowhere").toString());
        fails("config file not found", "train", "--config", dir.resolve("nowhere.json").toString());
        fails("backbone checkpoint not found", line("train", Launcher.tinyTraining(data, dir.resolve("none.safetensors")), "--out", dir.resolve("r2").toString()));
        fails("no such file or directory", "predict", "--run", run.toString(), "--domain", "street", dir.resolve("none.mp4").toString());
    }

    @Test
    void badConfigKeysAndValues() throws Exception {
        Path config = dir.resolve("bad.json");
        Files.writeString(config, "{\"lora\": {\"tua\": 0.9}}");
        fails("unknown config key 'lora.tua' (did you mean 'lora.tau'?)", "train", "--config", config.toString());
        Files.writeString(config, "{\"lora\": {\"tau\": 0.9,}}");
        fails("bad.json", "train", "--config", config.toString());
        fails("unknown option --rnak-shared (did you mean --rank-shared?)", "train", "--rnak-shared", "4");
        fails("lora.tau (--tau) must be in (0, 1], got 2.0", "train", "--tau", "2");
        fails("Invalid value for option '--batch': 'eight' is not an int", "train", "--batch", "eight");
        fails("'everywhere' is not one of upper-heavy, all-flat, head-only, custom", "train", "--structure", "everywhere");
        fails("must be NAME=LAYOUT:PATH", "train", "--domain", "ucf:/x");
        fails("Missing required option: '--run=RUN_DIR'", "eval");
    }

    @Test
    void malformedArgumentsAreRefusedBeforeARunStarts() {
        Path out = dir.resolve("refused");
        fails("--stop-after must not be negative, got -1", line("train", Launcher.tinyTraining(data, backbone), "--out", out.toString(), "--stop-after", "-1"));
        fails("--stop-after must not be negative, got -1", "demo", "--stop-after", "-1");
        fails("unexpected argument 'fast' (mdlora train takes only options", line("train", Launcher.tinyTraining(data, backbone), "fast", "--out", out.toString()));
        fails("unexpected argument 'now'", "pretrain", "now");
        fails("unexpected argument 'b.mp4'", "decode", "a.mp4", "b.mp4", "--frames", "2", "--out", "x.safetensors");
        fails("lora.domain_ranks: unknown domain 'nope' (this run's domains: studio, street, forest)",
                line("train", Launcher.tinyTraining(data, backbone, "--domain-ranks", "nope=4"), "--out", out.toString()));
        fails("(did you mean 'street'?)", line("train", Launcher.tinyTraining(data, backbone, "--domain-ranks", "stret=4"), "--out", out.toString()));
        fails("must be DOMAIN=RANK with RANK >= 1", line("train", Launcher.tinyTraining(data, backbone, "--domain-ranks", "street=0"), "--out", out.toString()));
        assertFalse(Files.exists(out), "a refused command line made no run folder");
    }

    @Test
    void unknownDomains() {
        fails("unknown domain 'hmdb' (this run's domains: studio, street, forest)", "predict", "--run", run.toString(), "--domain", "hmdb",
                data.resolve("street/walk/test_000.mp4").toString());
        fails("unknown domain 'hmdb'", "export", "--run", run.toString(), "--domain", "hmdb", "--out", dir.resolve("x").toString());
        fails("the synthetic dataset has no domain 'beach'", "train", "--domain", "beach=synthetic:" + data, "--out", dir.resolve("r3").toString());
    }

    @Test
    void incompatibleCheckpoints() throws Exception {
        Path notVit = dir.resolve("weights.safetensors");
        new SafetensorsWriter().put("weight", Tensor.zeros(4, 4)).write(notVit);
        fails("not a ViT checkpoint", line("train", Launcher.tinyTraining(data, notVit), "--out", dir.resolve("r4").toString()));
        fails("no head", "predict", "--weights", backbone.toString(), "--input", notVit.toString(), "--out", dir.resolve("l.safetensors").toString());

        Path edited = dir.resolve("edited");
        ok(line("train", Launcher.tinyTraining(data, backbone, "--steps", "4", "--eval-every", "0"), "--out", edited.toString(), "--stop-after", "2"));
        Path config = edited.resolve("config.json");
        Files.writeString(config, Files.readString(config).replace("\"rank_shared\": 2", "\"rank_shared\": 3"));
        fails("does not fit this model", "train", "--resume", edited.toString());
        fails("drop --batch", "train", "--resume", edited.toString(), "--batch", "2");
    }

    @Test
    void runFolderIsNotReused() {
        fails("already holds a run", line("train", Launcher.tinyTraining(data, backbone), "--out", run.toString()));
        Path file = run.resolve("config.json");
        fails(file + " is a file; --out names the folder the run goes into", line("train", Launcher.tinyTraining(data, backbone), "--out", file.toString()));
    }

    @Test
    void helpIsNotAnError() {
        Launcher.Result r = Launcher.run("train", "--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("--rank-shared") && r.out().contains("--tau") && r.out().contains("Default: 0.95"), r.out());
    }

    /** A list-layout domain of two training clips (labels 0, 1) and one test clip, in {@code folder}; the files are written by the caller. */
    private static Path listDomain(String folder) throws Exception {
        Path root = Files.createDirectories(dir.resolve(folder).resolve("c"));
        Files.copy(data.resolve("street/walk/test_000.mp4"), root.resolve("a.mp4"));
        Files.copy(data.resolve("street/walk/train_000.mp4"), root.resolve("b.mp4"));
        return root.getParent();
    }

    @Test
    void datasetMistakesAreFoundBeforeTraining() throws Exception {
        Path list = listDomain("list");
        Files.writeString(list.resolve("test.txt"), "c/a.mp4 0\n");
        Files.writeString(list.resolve("train.txt"), "");
        fails(list.resolve("train.txt") + " lists no clips", line("train", Launcher.tinyTraining(data, backbone), "--domain", "l=list:" + list, "--out", dir.resolve("empty").toString()));
        Files.writeString(list.resolve("train.txt"), "c/a.mp4 0\nc/b.mp4 1\n");
        Files.writeString(list.resolve("test.txt"), "c/a.mp4 5\n");
        fails("has label 5, but the training classes are 0..1 (list every class in classes.txt)",
                line("train", Launcher.tinyTraining(data, backbone), "--domain", "l=list:" + list, "--out", dir.resolve("label").toString()));
        assertFalse(Files.exists(dir.resolve("label")), "found before a run folder was made");
        Files.delete(list.resolve("train.txt"));
        Files.createDirectory(list.resolve("train.txt"));
        fails(list.resolve("train.txt") + " is a folder", line("train", Launcher.tinyTraining(data, backbone), "--domain", "l=list:" + list, "--out", dir.resolve("folder").toString()));
        fails("--image-size 33 is not a multiple of the backbone's patch size 8", line("train", Launcher.tinyTraining(data, backbone, "--image-size", "33"), "--out", dir.resolve("33").toString()));
    }

    @Test
    void anUnreadableTrainingClipIsLoggedOnceAndCounted() throws Exception {
        Path list = listDomain("broken");
        Files.write(list.resolve("c/bad.mp4"), Arrays.copyOf(Files.readAllBytes(list.resolve("c/b.mp4")), 700));
        Files.writeString(list.resolve("train.txt"), "c/a.mp4 0\nc/b.mp4 1\nc/bad.mp4 1\nc/a.mp4 0\n");
        Files.writeString(list.resolve("test.txt"), "c/a.mp4 0\n");
        List<String> flags = new ArrayList<>(Launcher.tinyTraining(data, backbone));
        flags.subList(flags.indexOf("--domain"), flags.size()).clear(); // the list domain alone: 4 epochs of 2 batches
        Launcher.Result r = ok(line("train", flags, "--batch", "2", "--steps", "8", "--eval-every", "0", "--domain", "l=list:" + list,
                "--out", dir.resolve("broken-run").toString()));
        assertEquals(1, r.err().lines().filter(l -> l.contains("skipped") && l.contains("bad.mp4")).count(), r.err());
        assertTrue(r.err().contains("1 training clip was unreadable and left out of training: " + list.resolve("c/bad.mp4")), r.err());
    }

    @Test
    void predictReadsEveryClipAndNamesTheBadOnes() throws Exception {
        Path good = data.resolve("street/walk/test_000.mp4"), other = data.resolve("street/jump/test_000.mp4");
        Path bad = Files.write(dir.resolve("bad.mp4"), Arrays.copyOf(Files.readAllBytes(good), 700));
        Launcher.Result r = Launcher.run("predict", "--run", run.toString(), "--domain", "street", good.toString(), bad.toString(), other.toString());
        assertEquals(1, r.code(), r.err());
        assertTrue(r.out().contains(good.toString()) && r.out().contains(other.toString()), "the good clips are predicted: " + r.out());
        String err = r.err().strip();
        assertFalse(err.contains("\n") || err.contains("\tat "), err);
        assertTrue(err.contains("1 of 3 clips could not be read (the others are predicted above): " + bad), err);
    }

    @Test
    void decodingMoreFramesThanAClipHasSaysSo() {
        Path clip = data.resolve("street/walk/test_000.mp4");
        Launcher.Result r = ok("decode", clip.toString(), "--frames", "10", "--out", dir.resolve("f.safetensors").toString());
        assertTrue(r.err().contains(clip + " has only 4 frames; the 10 sampled repeat them (4 distinct)"), r.err());
    }
}
