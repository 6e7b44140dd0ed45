package mdlora.launcher;

import static mdlora.launcher.Launcher.line;
import static mdlora.launcher.Launcher.ok;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import mdlora.tensor.io.SafetensorsFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run stopped after some steps and resumed equals the uninterrupted run exactly: the same metrics,
 * line for line, and the same weights, optimiser and scheduler state, bit for bit (fixed thread count).
 */
class ResumeTest {
    @TempDir
    Path dir;

    @Test
    void stoppedAndResumedRunEqualsTheUninterruptedOne() throws Exception {
        Path data = Launcher.tinyDataset(dir.resolve("data")), backbone = Launcher.tinyBackbone(dir.resolve("pretrain"));
        // steps 4 and 5 straddle an epoch boundary (3 batches of 4 clips an epoch); 4 is not a checkpoint step
        List<String> flags = Launcher.tinyTraining(data, backbone, "--steps", "8", "--checkpoint-every", "3");
        Path whole = dir.resolve("whole"), parts = dir.resolve("parts");
        ok(line("train", flags, "--out", whole.toString()));

        var stopped = ok(line("train", flags, "--out", parts.toString(), "--stop-after", "4"));
        assertTrue(stopped.out().contains("stopped after step 4"), stopped.out());
        assertEquals(4, metricSteps(parts));
        ok("train", "--resume", parts.toString());

        assertEquals(Files.readString(whole.resolve("metrics.jsonl")), Files.readString(parts.resolve("metrics.jsonl")));
        try (var a = SafetensorsFile.open(whole.resolve("checkpoint.safetensors")); var b = SafetensorsFile.open(parts.resolve("checkpoint.safetensors"))) {
            assertEquals(a.names(), b.names());
            assertEquals(a.metadata(), b.metadata());
            for (String name : a.names()) assertArrayEquals(a.tensor(name).toArray(), b.tensor(name).toArray(), name);
        }
    }

    private static long metricSteps(Path run) throws Exception {
        return Files.readAllLines(run.resolve("metrics.jsonl")).stream().filter(l -> l.contains("\"train\"")).count();
    }
}
