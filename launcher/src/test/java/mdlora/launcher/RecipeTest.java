package mdlora.launcher;

import static mdlora.launcher.Launcher.line;
import static mdlora.launcher.Launcher.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import mdlora.launcher.model.HubConfig;
import mdlora.launcher.run.RunDir;
import mdlora.launcher.train.TrainedRun;
import mdlora.nn.ViTConfig;
import mdlora.nn.VisionTransformer;
import mdlora.tensor.Rng;
import mdlora.tensor.io.Json;
import mdlora.tensor.io.SafetensorsWriter;
import org.junit.jupiter.api.Test;

/**
 * A run takes its image size, mean and std from the backbone unless told otherwise; the paper's preset trains on a
 * ViT-B/16-shaped backbone; the loss is logged with its cross-entropy and separation terms apart.
 */
class RecipeTest extends TinyWorkspace {
    private static final String RESAMPLED = "position embedding is resampled";

    /** The tiny training flags without {@code --image-size}, stopping after {@code steps} steps without evaluating. */
    private static List<String> flags(Path out, int steps, String... more) {
        List<String> args = new ArrayList<>(Launcher.tinyTraining(data, backbone, "--eval-every", "0", "--stop-after", String.valueOf(steps),
                "--cache", dir.resolve("frames").toString(), "--out", out.toString()));
        int i = args.indexOf("--image-size");
        args.subList(i, i + 2).clear();
        args.addAll(List.of(more));
        return args;
    }

    private static Map<String, Object> section(Path run, String name) throws Exception {
        @SuppressWarnings("unchecked")
        var s = (Map<String, Object>) Json.parseObject(Files.readString(run.resolve("config.json"))).get(name);
        return s;
    }

    @Test
    void imageSizeMeanAndStdAreTheBackbonesOwnUnlessGiven() throws Exception {
        Path own = dir.resolve("own");
        var r = ok(line("train", flags(own, 1)));
        Map<String, Object> data = section(own, "data");
        assertEquals(32L, data.get("image_size"), "the tiny backbone's 32 px, recorded in config.json");
        assertEquals(List.of(0.5, 0.5, 0.5), data.get("mean"));
        assertEquals(List.of(0.5, 0.5, 0.5), data.get("std"));
        assertTrue(!r.err().contains(RESAMPLED), r.err());
        assertTrue(!Files.readString(own.resolve("config.json")).contains("\"pretrain\""), "a training run has no pretrain section");

        Path other = dir.resolve("other");
        r = ok(line("train", flags(other, 1, "--image-size", "48", "--mean", "0.485,0.456,0.406", "--std", "0.229,0.224,0.225")));
        data = section(other, "data");
        assertEquals(48L, data.get("image_size"));
        assertEquals(List.of(0.485, 0.456, 0.406), data.get("mean"));
        assertEquals(List.of(0.229, 0.224, 0.225), data.get("std"));
        ViTConfig model = TrainedRun.load(RunDir.open(other)).model().backboneConfig();
        assertEquals(new ViTConfig.Rgb(0.485f, 0.456f, 0.406f), model.mean(), "the model normalises (and exports) with the run's mean");
        assertEquals(new ViTConfig.Rgb(0.229f, 0.224f, 0.225f), model.std());
        assertEquals(1, r.err().split(RESAMPLED, -1).length - 1, "one line says the backbone is resampled:\n" + r.err());
        assertTrue(r.err().contains("was trained on 32 px; at 48 px its position embedding is resampled from 4x4 to 6x6 patches"), r.err());
    }

    @Test
    void aMeanOfTwoChannelsIsOneLine() {
        var r = Launcher.run(line("train", flags(dir.resolve("bad"), 1, "--mean", "0.5,0.5")));
        assertEquals(1, r.code());
        assertEquals("mdlora train: data.mean (--mean) takes 3 numbers (R,G,B), got 2", r.err().strip());
        assertTrue(!Files.exists(dir.resolve("bad")), "nothing is written for a config that fails");
    }

    @Test
    void metricsHoldTheCrossEntropyAndBothSeparationTermsApart() throws Exception {
        Path run = dir.resolve("parts");
        var r = ok(line("train", flags(run, 2)));
        List<String> lines = Files.readAllLines(run.resolve("metrics.jsonl"));
        Map<String, Object> last = Json.parseObject(lines.getLast());
        double ce = ((Number) last.get("ce")).doubleValue(), orth = ((Number) last.get("orth")).doubleValue(), ss = ((Number) last.get("ss")).doubleValue();
        assertTrue(orth > 0 && ss < 0, "lambda1 L_orth >= 0 and lambda2 L_ss <= 0: " + last);
        assertEquals(((Number) last.get("loss")).doubleValue(), ce + orth + ss, 1e-5);
        assertEquals(((Number) last.get("separation")).doubleValue(), orth + ss, 1e-5);
        assertTrue(r.err().matches("(?s).*loss \\d+\\.\\d{4} = ce \\d+\\.\\d{4} \\+ orth \\S+ \\+ ss \\S+.*"), r.err());
    }

    /**
     * {@code --preset paper} on a backbone of ViT-B/16's shapes (width 768, 12 heads, MLP 3072, patch 16, 224 px;
     * one block of its twelve, to keep CI fast), batch and frames overridden down: two steps train, at the backbone's 224 px.
     */
    @Test
    void paperPresetTrainsTwoStepsOnAViTB16ShapedBackbone() throws Exception {
        Path vitB = dir.resolve("vit-b16");
        Files.createDirectories(vitB);
        var config = new ViTConfig(224, 16, 768, 1, 12, 3072, 0, 1e-6f, ViTConfig.HALF, ViTConfig.HALF);
        var writer = new SafetensorsWriter().metadata("format", "pt");
        new VisionTransformer(config, new Rng(7)).stateDict().forEach(writer::put);
        writer.write(vitB.resolve("model.safetensors"));
        HubConfig.write(vitB, config, List.of());

        Path run = dir.resolve("paper");
        List<String> args = new ArrayList<>(List.of("train", "--preset", "paper", "--backbone", vitB.resolve("model.safetensors").toString(),
                "--batch", "2", "--frames", "1", "--stop-after", "2", "--eval-every", "0", "--threads", "2",
                "--cache", dir.resolve("frames").toString(), "--out", run.toString()));
        for (String d : List.of("studio", "street")) args.addAll(List.of("--domain", d + "=synthetic:" + data));
        var r = ok(args.toArray(String[]::new));
        assertTrue(r.out().contains("stopped after step 2"), r.out());
        assertTrue(!r.err().contains(RESAMPLED), r.err());
        assertEquals(224L, section(run, "data").get("image_size"));
        assertEquals(32L, section(run, "lora").get("rank_shared"));
        assertEquals(50000L, section(run, "train").get("steps"));
        List<String> metrics = Files.readAllLines(run.resolve("metrics.jsonl"));
        assertEquals(2, metrics.stream().filter(l -> l.contains("\"kind\":\"train\"")).count());
        assertEquals(1e-4, ((Number) Json.parseObject(metrics.getLast()).get("lr")).doubleValue(), 1e-12, "no warmup: the paper's lr from step 1");
    }
}
