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
import mdlora.video.SyntheticVideos;
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
        // 4 is not a checkpoint step
        assertResumeIsExact("--steps", "8", "--checkpoint-every", "3");
    }

    /** The batch of a step is a function of seed and step whichever way batches are drawn and their loss weighted. */
    @Test
    void resumeIsExactWithPerDomainBatchesAndLossWeights() throws Exception {
        List<String> domains = SyntheticVideos.domainNames();
        assertResumeIsExact("--steps", "8", "--checkpoint-every", "3", "--batch", "2", "--domain-batches", "per-domain",
                "--domain-loss-weights", domains.get(0) + "=2," + domains.get(1) + "=0.5");
    }

    @Test
    void resumeIsExactWithWeightedDomainSampling() throws Exception {
        List<String> weights = SyntheticVideos.domainNames().stream().map(d -> d + "=" + (d.equals(SyntheticVideos.domainNames().getFirst()) ? 3 : 1)).toList();
        assertResumeIsExact("--steps", "8", "--checkpoint-every", "3", "--domain-sampling", String.join(",", weights));
    }

    private void assertResumeIsExact(String... more) throws Exception {
        Path data = Launcher.tinyDataset(dir.resolve("data")), backbone = Launcher.tinyBackbone(dir.resolve("pretrain"));
        List<String> flags = Launcher.tinyTraining(data, backbone, more);
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
