package mdlora.launcher;

import static mdlora.launcher.Launcher.line;
import static mdlora.launcher.Launcher.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import mdlora.launcher.config.DomainSpec;
import mdlora.launcher.config.Settings;
import mdlora.launcher.run.RunDir;
import mdlora.launcher.run.RunLock;
import mdlora.tensor.Tensor;
import mdlora.tensor.io.SafetensorsFile;
import mdlora.tensor.io.SafetensorsWriter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The faults a reliability pass injects into a run (issue 14): a diverged model, a torn metrics line, a
 * second writer, flipped checkpoint bytes, an export aimed at existing files, a run that stopped between
 * its final checkpoint and eval.json. Each case ends in one line and exit code 1, or in a recovery with a
 * notice naming the file; nothing the run already had is lost. One tiny run is trained, and each test
 * works on its own copy.
 */
class FaultInjectionTest {
    @TempDir
    static Path dir;
    static Path data, backbone, finished;

    @BeforeAll
    static void trainTinyRun() {
        try {
            data = Launcher.tinyDataset(dir.resolve("data"));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        backbone = Launcher.tinyBackbone(dir.resolve("pretrain"));
        finished = dir.resolve("finished");
        ok(line("train", Launcher.tinyTraining(data, backbone), "--out", finished.toString()));
    }

    /** A copy of the finished run, for one test to damage. */
    private static Path copy(String name) throws IOException {
        Path to = dir.resolve(name);
        try (Stream<Path> files = Files.walk(finished)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(finished.relativize(f).toString());
                if (Files.isDirectory(f)) Files.createDirectories(target);
                else Files.copy(f, target);
            }
        }
        return to;
    }

    private static void assertOneLine(Launcher.Result r, String... parts) {
        assertEquals(1, r.code(), r.err() + r.out());
        String err = r.err().strip();
        assertFalse(err.contains("\n\tat ") || err.contains("Exception"), "a stack trace: " + err);
        for (String p : parts) assertTrue(err.contains(p), "'" + p + "' missing from: " + err);
    }

    private static void assertNoOrphans(Path run) throws IOException {
        try (Stream<Path> files = Files.walk(run)) {
            assertEquals(List.of(), files.filter(f -> f.getFileName().toString().contains(".tmp")).toList(), "orphan temporary files");
        }
    }

    @Test
    void nonFiniteLogitsAreAnErrorNotAScore() throws Exception {
        Path run = copy("nan");
        Path checkpoint = run.resolve("checkpoint.safetensors");
        var writer = new SafetensorsWriter();
        try (var f = SafetensorsFile.open(checkpoint)) {
            f.metadata().forEach((k, v) -> { if (!k.startsWith("crc32c.")) writer.metadata(k, v); });
            for (String name : f.names()) {
                Tensor t = f.tensor(name);
                if (name.startsWith("param.") && name.contains("head")) {
                    float[] nan = new float[t.numel()];
                    Arrays.fill(nan, Float.NaN);
                    t = Tensor.of(nan, t.shape());
                }
                writer.put(name, t);
            }
        }
        writer.write(checkpoint);
        Files.delete(run.resolve("eval.json"));

        assertOneLine(Launcher.run("eval", "--run", run.toString()), checkpoint.toString(), "non-finite logits", "eval.json not written");
        assertFalse(Files.exists(run.resolve("eval.json")));
        Path clip = data.resolve("street/walk/test_000.mp4");
        Launcher.Result predict = Launcher.run("predict", "--run", run.toString(), "--domain", "street", clip.toString());
        assertOneLine(predict, checkpoint.toString(), "non-finite logits");
        assertFalse(predict.out().contains("NaN%"), predict.out());
    }

    @Test
    void exportWritesAFolderAndNeverOverwrites() throws Exception {
        Path out = dir.resolve("exported");
        ok("export", "--run", finished.toString(), "--domain", "forest", "--out", out.toString());
        for (String f : List.of("model.safetensors", "config.json", "preprocessor_config.json")) assertTrue(Files.exists(out.resolve(f)), f);
        byte[] before = Files.readAllBytes(out.resolve("config.json"));

        assertOneLine(Launcher.run("export", "--run", finished.toString(), "--domain", "studio", "--out", out.toString()), "already exists", "--force");
        assertTrue(Arrays.equals(before, Files.readAllBytes(out.resolve("config.json"))), "refused export changed config.json");
        ok("export", "--run", finished.toString(), "--domain", "studio", "--out", out.toString(), "--force");
        assertTrue(Files.readString(out.resolve("config.json")).contains("\"num_labels\""));

        byte[] runConfig = Files.readAllBytes(finished.resolve("config.json"));
        assertOneLine(Launcher.run("export", "--run", finished.toString(), "--domain", "forest", "--out", finished.toString(), "--force"),
                finished.toString(), "not an exported model");
        assertTrue(Arrays.equals(runConfig, Files.readAllBytes(finished.resolve("config.json"))), "export replaced the run's config.json");
        assertOneLine(Launcher.run("export", "--run", finished.toString(), "--domain", "forest", "--out", dir.resolve("x.safetensors").toString()), "folder");
    }

    @Test
    void tornMetricsTailIsToleratedAndCutBackOnResume() throws Exception {
        Path run = copy("torn");
        Path metrics = run.resolve("metrics.jsonl");
        String whole = Files.readString(metrics);
        Files.writeString(metrics, "{\"step\": 7, \"kind\": \"tr", StandardOpenOption.APPEND);

        Launcher.Result analyze = ok("analyze", "--run", run.toString());
        assertTrue(analyze.err().contains(metrics.toString()) && analyze.err().contains("torn last line"), analyze.err());
        Launcher.Result resumed = ok("train", "--resume", run.toString());
        assertTrue(resumed.err().contains("cutting back a torn last line"), resumed.err());
        assertEquals(whole, Files.readString(metrics));
    }

    @Test
    void aFinishedRunWhoseEvalJsonIsMissingCompletesItOnResume() throws Exception {
        Path run = copy("noeval");
        Files.delete(run.resolve("eval.json"));
        ok("train", "--resume", run.toString());
        assertTrue(Files.exists(run.resolve("eval.json")));
        assertNoOrphans(run);
    }

    @Test
    void aSecondWriterIsRefusedNamingTheHolder() throws Exception {
        Path run = copy("locked");
        String metrics = Files.readString(run.resolve("metrics.jsonl"));
        try (RunLock held = RunLock.acquire(RunDir.open(run))) {
            assertOneLine(Launcher.run("train", "--resume", run.toString()), "in use", "pid " + ProcessHandle.current().pid());
            assertOneLine(Launcher.run("train", "--resume", run.toString(), "--lr", "1e-4"), "in use");
        }
        assertEquals(metrics, Files.readString(run.resolve("metrics.jsonl")));
        ok("train", "--resume", run.toString()); // released: the run is free again
    }

    @Test
    void flippedCheckpointBytesAreFoundAndThePreviousCheckpointUsed() throws Exception {
        Path run = copy("flipped");
        Path checkpoint = run.resolve("checkpoint.safetensors");
        assertTrue(Files.exists(run.resolve("checkpoint.prev.safetensors")), "the checkpoint before the last is kept");
        byte[] bytes = Files.readAllBytes(checkpoint);
        bytes[bytes.length - 3] ^= 0x40;
        Files.write(checkpoint, bytes);

        Launcher.Result eval = ok("eval", "--run", run.toString());
        assertTrue(eval.err().contains(checkpoint.toString()) && eval.err().contains("CRC32C") && eval.err().contains("previous checkpoint"), eval.err());
        assertTrue(eval.out().contains("after 3 steps"), eval.out());

        Files.delete(run.resolve("checkpoint.prev.safetensors"));
        assertOneLine(Launcher.run("eval", "--run", run.toString()), checkpoint.toString(), "CRC32C", "no previous checkpoint");
    }

    @Test
    void divergenceKeepsAFiniteCheckpointAndResumesWithALowerLr() throws Exception {
        Path run = dir.resolve("diverging");
        List<String> flags = Launcher.tinyTraining(data, backbone);
        ok(line("train", flags, "--out", run.toString(), "--stop-after", "3"));
        Launcher.Result diverged = Launcher.run("train", "--resume", run.toString(), "--lr", "1e30");
        assertOneLine(diverged, "checkpoint of step 3 is kept", "--resume " + run + " --lr");
        try (var f = SafetensorsFile.open(run.resolve("checkpoint.safetensors"))) {
            assertEquals("3", f.metadata().get("step"));
            for (String name : f.names()) for (float v : f.tensor(name).toArray()) assertTrue(Float.isFinite(v), name);
        }
        assertOneLine(Launcher.run("train", "--resume", run.toString(), "--batch", "2"), "drop --batch");

        ok("train", "--resume", run.toString(), "--lr", "1e-3", "--schedule", "constant");
        assertTrue(Files.exists(run.resolve("eval.json")));
        var settings = RunDir.open(run).metrics().read("settings");
        assertEquals(1e-3, ((Number) ((java.util.Map<?, ?>) settings.getLast().get("train")).get("lr")).doubleValue());
        assertEquals(1e-3, RunDir.open(run).readSettings().train.lr);
        assertNoOrphans(run);
    }

    @Test
    void aFailedWriteAtTheEndIsOneLineKeepsTheFinalCheckpointAndResumeCompletesIt() throws Exception {
        Path run = dir.resolve("unwritable");
        // a non-empty folder where eval.json goes: the last write fails as a full or read-only disk would
        Path blocker = Files.createDirectories(run.resolve("eval.json/blocker"));
        assertOneLine(Launcher.run(line("train", Launcher.tinyTraining(data, backbone), "--out", run.toString())), run.resolve("eval.json").toString());
        try (var f = SafetensorsFile.open(run.resolve("checkpoint.safetensors"))) {
            assertEquals("6", f.metadata().get("step"), "the final checkpoint is written before the final evaluation");
        }
        assertNoOrphans(run);

        Files.delete(blocker);
        Files.delete(blocker.getParent());
        ok("train", "--resume", run.toString());
        assertTrue(Files.isRegularFile(run.resolve("eval.json")));
        assertEquals(Files.readString(finished.resolve("metrics.jsonl")), Files.readString(run.resolve("metrics.jsonl")));
    }

    @Test
    void datasetAndBackbonePathsAreStoredAbsolute() {
        Settings given = new Settings();
        given.data.domains.add(DomainSpec.parse("ucf=ucf101:data/ucf"));
        given.model.backbone = "models/vit.safetensors";
        given.train.threads = 2;
        Settings settings = RunFlags.fresh(dir.resolve("relative"), "train", given).settings();
        assertEquals(Path.of("data/ucf").toAbsolutePath().toString(), settings.data.domains.getFirst().path());
        assertEquals(Path.of("models/vit.safetensors").toAbsolutePath().toString(), settings.model.backbone);
    }

    @Test
    void aChangedDatasetIsRefusedBeforeAnythingIsWritten() throws Exception {
        Path run = copy("changed");
        Path lists = run.resolve("datasets.json"), domains = run.resolve("domains.json");
        String before = Files.readString(lists);
        Files.writeString(lists, before.replaceFirst("sha256 [0-9a-f]+", "sha256 0000000000000000"));
        assertOneLine(Launcher.run("train", "--resume", run.toString()), "dataset changed", "clip list of studio train");
        Files.writeString(lists, before);
        String classes = Files.readString(domains);
        Files.writeString(domains, classes.replaceFirst("\\[", "[\"extra\", "));
        String edited = Files.readString(domains);
        assertOneLine(Launcher.run("train", "--resume", run.toString()), "dataset changed", "classes of domain studio");
        assertEquals(edited, Files.readString(domains), "a refused resume rewrote domains.json");
    }

    @Test
    void aNonFiniteStateIsNeverCheckpointed() throws Exception {
        Path run = dir.resolve("exploding");
        List<String> flags = Launcher.tinyTraining(data, backbone, "--lr", "1e39", "--checkpoint-every", "1", "--eval-every", "0");
        assertOneLine(Launcher.run(line("train", flags, "--out", run.toString())), "after step 1", "is not finite", "no checkpoint was written");
        assertFalse(Files.exists(run.resolve("checkpoint.safetensors")));
    }

    @Test
    void aResumeThatFailsWritesNothingEvenWithANewLearningRate() throws Exception {
        Path run = copy("refusedlr");
        Path lists = run.resolve("datasets.json");
        Files.writeString(lists, Files.readString(lists).replaceFirst("sha256 [0-9a-f]+", "sha256 0000000000000000"));
        String config = Files.readString(run.resolve("config.json")), metrics = Files.readString(run.resolve("metrics.jsonl"));
        assertOneLine(Launcher.run("train", "--resume", run.toString(), "--lr", "1e-4"), "dataset changed");
        assertEquals(config, Files.readString(run.resolve("config.json")), "a failed resume rewrote config.json");
        assertEquals(metrics, Files.readString(run.resolve("metrics.jsonl")), "a failed resume logged its settings");
    }

    @Test
    void aChangedOrDamagedBackboneIsRefusedNamingIt() throws Exception {
        Path run = copy("backbone");
        byte[] good = Files.readAllBytes(backbone);
        byte[] flipped = good.clone();
        flipped[flipped.length - 4] ^= 0x01; // the lowest bit of the last weight: still a finite, plausible number
        Files.write(backbone, flipped);
        try {
            assertOneLine(Launcher.run("eval", "--run", run.toString()), "the backbone changed since the run started", backbone.toString(), "fingerprint (was sha256 ");
            assertOneLine(Launcher.run("train", "--resume", run.toString()), "the backbone changed since the run started", backbone.toString());
        } finally {
            Files.write(backbone, good);
        }
        ok("eval", "--run", run.toString());
    }

    @Test
    void aFrameCacheFilledByAnotherSeedChangesNoLoss() throws Exception {
        List<String> flags = Launcher.tinyTraining(data, backbone, "--steps", "3", "--eval-every", "0");
        Path shared = dir.resolve("cache-shared"), fresh = dir.resolve("cache-fresh");
        ok(line("train", flags, "--seed", "2", "--cache", shared.toString(), "--out", dir.resolve("seed2").toString()));
        ok(line("train", flags, "--seed", "1", "--cache", shared.toString(), "--out", dir.resolve("seed1-shared").toString()));
        ok(line("train", flags, "--seed", "1", "--cache", fresh.toString(), "--out", dir.resolve("seed1-fresh").toString()));
        String losses = Files.readString(dir.resolve("seed1-fresh/metrics.jsonl"));
        assertTrue(losses.contains("\"loss\""), losses);
        assertEquals(losses, Files.readString(dir.resolve("seed1-shared/metrics.jsonl")));
    }
}
