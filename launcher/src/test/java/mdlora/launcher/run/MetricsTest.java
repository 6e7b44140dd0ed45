package mdlora.launcher.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsTest {
    @Test
    void appendReadAndTruncateForResume(@TempDir Path dir) throws Exception {
        var m = new Metrics(dir.resolve("metrics.jsonl"));
        for (int step = 1; step <= 4; step++) m.append(Map.of("step", step, "kind", "train", "loss", 1f / step));
        m.append(Map.of("step", 4, "kind", "eval", "acc", 0.5));
        m.truncateAfter(2);
        List<Map<String, Object>> kept = m.read();
        assertEquals(2, kept.size());
        assertEquals(0.5, ((Number) kept.get(1).get("loss")).doubleValue());
        assertEquals(List.of(), m.read("eval"));
    }
}
