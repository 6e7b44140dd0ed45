package mdlora.launcher;

import static mdlora.launcher.Launcher.line;
import static mdlora.launcher.Launcher.ok;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import mdlora.tensor.io.SafetensorsFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real kills: a training run in a child JVM is stopped at a named moment ({@code -Dmdlora.stopAt}, see
 * {@code FaultPoint}) and killed there with SIGKILL; {@code --resume} then gives exactly the uninterrupted
 * run (metrics line for line, checkpoint bit for bit, eval.json) and leaves no temporary files. While the
 * child still lives, a resume from this process is refused naming it.
 */
class KillTest {
    @TempDir
    static Path dir;
    static Path data, backbone, whole;

    @BeforeAll
    static void trainTheUninterruptedRun() throws IOException {
        data = Launcher.tinyDataset(dir.resolve("data"));
        backbone = Launcher.tinyBackbone(dir.resolve("pretrain"));
        whole = dir.resolve("whole");
        ok(line("train", flags(), "--out", whole.toString()));
    }

    /** The tiny run, evaluated only at the end (the kills are about training and its files). */
    private static List<String> flags() {
        return Launcher.tinyTraining(data, backbone, "--eval-every", "0");
    }

    /** A child JVM training into {@code run}, waiting at {@code stopAt} once it gets there (its stderr line says so). */
    private static Process stoppedAt(Path run, String stopAt) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules=jdk.incubator.vector", "-Dmdlora.stopAt=" + stopAt, "-cp", System.getProperty("java.class.path"),
                Main.class.getName()));
        command.addAll(List.of(line("train", flags(), "--out", run.toString())));
        Process child = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        StringBuilder seen = new StringBuilder();
        try (var err = new BufferedReader(new InputStreamReader(child.getErrorStream(), StandardCharsets.UTF_8))) {
            for (String l; (l = err.readLine()) != null; ) {
                seen.append(l).append('\n');
                if (l.contains("mdlora: stopped at " + stopAt)) {
                    drain(child);
                    return child;
                }
            }
        }
        child.waitFor(10, TimeUnit.SECONDS);
        fail("the child never reached " + stopAt + ":\n" + seen);
        return child;
    }

    /** Keeps reading the child's stderr so that it never blocks on a full pipe. */
    private static void drain(Process child) {
        Thread t = new Thread(() -> {
            try {
                child.getErrorStream().transferTo(java.io.OutputStream.nullOutputStream());
            } catch (IOException closed) {
                // the child is gone
            }
        });
        t.setDaemon(true);
        t.start();
    }

    private static void kill9(Process child) throws InterruptedException {
        child.destroyForcibly(); // SIGKILL on Unix: no shutdown hook, no finally block runs
        assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        assertEquals(137, child.exitValue(), "killed by SIGKILL");
    }

    /** Moments: mid-step before the first checkpoint, mid-write of the final checkpoint, between the final checkpoint and eval.json. */
    @ParameterizedTest
    @ValueSource(strings = {"step@2", "checkpoint@6", "final-evaluation@6"})
    void aRunKilledAtAnyMomentResumesToTheUninterruptedRun(String moment) throws Exception {
        Path run = dir.resolve(moment.replace('@', '-'));
        Process child = stoppedAt(run, moment);
        try {
            Launcher.Result refused = Launcher.run("train", "--resume", run.toString());
            assertEquals(1, refused.code(), refused.err());
            assertTrue(refused.err().contains("in use by another mdlora process (pid " + child.pid() + " on "), refused.err());
            assertFalse(refused.err().contains("\tat "), refused.err());
            if (moment.startsWith("final")) { // a reader may evaluate the running run; only its eval.json waits for the trainer
                Launcher.Result eval = ok("eval", "--run", run.toString());
                assertTrue(eval.out().contains("after 6 steps"), eval.out());
                assertTrue(eval.err().contains("eval.json not written: " + run + " is in use by another mdlora process (pid " + child.pid()), eval.err());
            }
        } finally {
            kill9(child);
        }
        assertFalse(Files.exists(run.resolve("eval.json")));
        ok("train", "--resume", run.toString()); // the OS dropped the dead holder's lock

        assertEquals(Files.readString(whole.resolve("metrics.jsonl")), Files.readString(run.resolve("metrics.jsonl")));
        assertEquals(Files.readString(whole.resolve("eval.json")), Files.readString(run.resolve("eval.json")));
        try (var a = SafetensorsFile.open(whole.resolve("checkpoint.safetensors")); var b = SafetensorsFile.open(run.resolve("checkpoint.safetensors"))) {
            assertEquals(a.names(), b.names());
            assertEquals(a.metadata(), b.metadata());
            for (String name : a.names()) assertArrayEquals(a.bytes(name), b.bytes(name), name);
        }
        try (Stream<Path> files = Files.walk(run)) {
            assertEquals(List.of(), files.filter(f -> f.getFileName().toString().contains(".tmp")).toList(), "orphan temporary files");
        }
    }

    @Test
    void temporaryFilesAKilledWriterLeftAreRemovedByTheNextHolder() throws Exception {
        Path run = dir.resolve("orphans");
        ok(line("train", flags(), "--out", run.toString(), "--stop-after", "3"));
        // what a kill in the middle of an atomic write leaves: the hidden temporary sibling, never renamed
        Path orphan = Files.write(run.resolve(".checkpoint.safetensors.tmp5eed"), new byte[100]);
        Path nested = Files.write(Files.createDirectories(run.resolve("adapters/shared")).resolve(".adapter_model.safetensors.tmp1"), new byte[10]);
        Launcher.Result resumed = ok("train", "--resume", run.toString());
        assertTrue(resumed.err().contains("removed 2 unfinished temporary files"), resumed.err());
        assertFalse(Files.exists(orphan) || Files.exists(nested));
    }
}
