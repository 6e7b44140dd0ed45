package mdlora.launcher;

import static mdlora.launcher.Launcher.line;
import static mdlora.launcher.Launcher.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import mdlora.autograd.Autograd;
import mdlora.autograd.Variable;
import mdlora.launcher.run.RunDir;
import mdlora.launcher.train.TrainedRun;
import mdlora.nn.ViTCheckpoint;
import mdlora.tensor.Rng;
import mdlora.tensor.Tensor;
import mdlora.tensor.io.Json;
import mdlora.tensor.io.SafetensorsFile;
import mdlora.tensor.io.SafetensorsWriter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train, eval, predict, analyze and export on a tiny configuration, through the launcher's own entry point. */
class EndToEndTest {
    @TempDir
    static Path dir;
    static Path data, backbone, run;

    @BeforeAll
    static void trainTinyRun() throws Exception {
        data = Launcher.tinyDataset(dir.resolve("data"));
        backbone = Launcher.tinyBackbone(dir.resolve("pretrain"));
        run = dir.resolve("run");
        var result = ok(line("train", Launcher.tinyTraining(data, backbone), "--out", run.toString()));
        assertTrue(result.out().contains("studio") && result.out().contains("top-1"), result.out());
    }

    @Test
    void runFolderHoldsEverything() throws Exception {
        for (String f : List.of("config.json", "metrics.jsonl", "checkpoint.safetensors", "eval.json", "domains.json", "report.html",
                "adapters/shared/adapter_config.json", "adapters/studio/adapter_model.safetensors", "adapters/forest/adapter_config.json"))
            assertTrue(Files.exists(run.resolve(f)), f);
        var metrics = RunDir.open(run).metrics();
        assertEquals(6, metrics.read("train").size());
        assertEquals(List.of(0, 3, 6), metrics.read("eval").stream().map(r -> ((Number) r.get("step")).intValue()).toList());
        assertEquals(2L, ((Map<?, ?>) Json.parseObject(Files.readString(run.resolve("config.json"))).get("train")).get("threads"));
    }

    @Test
    void evalScoresEveryDomain() {
        String out = ok("eval", "--run", run.toString()).out();
        for (String d : List.of("studio", "street", "forest", "mean")) assertTrue(out.contains(d), out);
    }

    @Test
    void predictPrintsTopClassesWithProbabilities() throws Exception {
        Path clip = data.resolve("street/walk/test_000.mp4");
        String out = ok("predict", "--run", run.toString(), "--domain", "street", clip.toString()).out();
        String[] lines = out.strip().split("\n");
        assertEquals(clip.toString(), lines[0]);
        assertEquals(1 + 5, lines.length, "the top 5 of street's 6 classes: " + out);
        double total = 0, previous = 100;
        for (int i = 1; i < lines.length; i++) {
            double p = Double.parseDouble(lines[i].strip().split("%")[0]);
            assertTrue(p <= previous, "most probable first: " + out);
            total += p;
            previous = p;
        }
        assertTrue(total > 0 && total <= 100.05 && 100 - total <= previous + 0.05, "the sixth class holds the rest, at most the fifth's share: " + out);
    }

    @Test
    void analyzeWritesCurvesForEveryLora() throws Exception {
        ok("analyze", "--run", run.toString());
        var analysis = RunDir.open(run).readJson("analysis.json");
        List<?> layers = (List<?>) analysis.get("layers");
        assertEquals(2 * 4, layers.size(), "upper-heavy on 2 blocks: 4 linears each");
        Map<?, ?> last = (Map<?, ?>) layers.getLast();
        assertEquals(List.of("shared", "studio", "street", "forest"), List.copyOf(((Map<?, ?>) last.get("curves")).keySet()));
        assertEquals(3, ((List<?>) last.get("overlap")).size());
        assertTrue(Files.readString(run.resolve("report.html")).contains("Effective dimensions"));
    }

    @Test
    void exportLoadsWithoutLoraAndMatchesTheMergedModel() throws Exception {
        Path file = dir.resolve("export/forest/model.safetensors");
        ok("export", "--run", run.toString(), "--domain", "forest", "--out", file.getParent().toString());
        Map<String, Object> config = Json.parseObject(Files.readString(file.resolveSibling("config.json")));
        assertEquals(6L, config.get("num_labels"));
        assertEquals(2L, config.get("num_attention_heads"));
        assertEquals("climb", ((Map<?, ?>) config.get("id2label")).get("0"));

        // the exported ViT, run as the late-fusion classifier by `predict --weights`, equals the run's merged model
        Tensor frames = new Rng(3).normal(0, 1, 2, 2, 3, 32, 32);
        Path input = dir.resolve("export/frames.safetensors"), logits = dir.resolve("export/logits.safetensors");
        new SafetensorsWriter().put("frames", frames).write(input);
        ok("predict", "--weights", file.toString(), "--input", input.toString(), "--out", logits.toString());
        Tensor exported;
        try (var f = SafetensorsFile.open(logits)) {
            exported = f.tensor("logits");
        }
        TrainedRun trained = TrainedRun.load(RunDir.open(run));
        trained.model().lora().merge("forest");
        trained.model().classifier().eval();
        try (var noGrad = Autograd.noGrad()) {
            Tensor expected = trained.model().classifier().forward(Variable.constant(frames), new int[] {2, 2}).groups().getFirst().logits().data();
            assertTrue(expected.allClose(exported, 1e-4f, 1e-4f), "exported logits differ from the merged run's");
        }
        assertEquals(6, ViTCheckpoint.read(file).config().numClasses());
    }

    /** The run's adapters carry each domain's head (PEFT's modules_to_save); --adapters --names hf rewrites them for a transformers ViT. */
    @Test
    void adaptersCarryTheHeadsAndExportUnderHuggingFaceNames() throws Exception {
        Map<String, Object> forest = Json.parseObject(Files.readString(run.resolve("adapters/forest/adapter_config.json")));
        assertEquals(List.of("head"), forest.get("modules_to_save"));
        TrainedRun trained = TrainedRun.load(RunDir.open(run));
        try (var f = SafetensorsFile.open(run.resolve("adapters/forest/adapter_model.safetensors"))) {
            assertTrue(f.tensor("base_model.model.head.weight").allClose(trained.model().classifier().module("heads.2").stateDict().get("weight"), 0, 0));
        }

        Path out = dir.resolve("hf-adapters");
        ok("export", "--run", run.toString(), "--adapters", "--names", "hf", "--out", out.toString());
        Map<String, Object> hf = Json.parseObject(Files.readString(out.resolve("forest/adapter_config.json")));
        assertEquals(List.of("classifier"), hf.get("modules_to_save"));
        assertTrue(((List<?>) hf.get("target_modules")).contains("vit.encoder.layer.1.output.dense"), hf.toString());
        try (var f = SafetensorsFile.open(out.resolve("shared/adapter_model.safetensors"))) {
            assertTrue(f.contains("base_model.model.vit.encoder.layer.0.attention.attention.value.lora_B.weight"));
        }
        assertTrue(Launcher.run("export", "--run", run.toString(), "--adapters", "--out", out.toString()).err().contains("already exists"));
        assertTrue(Launcher.run("export", "--run", run.toString(), "--adapters", "--names", "keras", "--out", dir.resolve("x").toString()).err()
                .contains("--names must be timm or hf"));
    }
}
