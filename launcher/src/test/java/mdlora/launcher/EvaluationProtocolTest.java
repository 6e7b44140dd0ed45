package mdlora.launcher;

import static mdlora.launcher.Launcher.line;
import static mdlora.launcher.Launcher.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import mdlora.autograd.Autograd;
import mdlora.autograd.Variable;
import mdlora.launcher.data.ClipPipeline;
import mdlora.launcher.data.DomainData;
import mdlora.launcher.run.RunDir;
import mdlora.launcher.train.Evaluator;
import mdlora.launcher.train.TrainedRun;
import mdlora.lora.video.VideoClassifier;
import mdlora.tensor.Tensor;
import mdlora.tensor.io.Json;
import mdlora.video.ClipSource;
import mdlora.video.Dataset;
import mdlora.video.TestViews;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * mmaction2's test protocol (several clips and crops per video, softmax averaged), mean class accuracy,
 * test videos that cannot be decoded, and listed clips that are missing.
 */
class EvaluationProtocolTest {
    @TempDir
    static Path dir;
    static Path data, backbone, finished;

    @BeforeAll
    static void trainTinyRun() throws IOException {
        data = Launcher.tinyDataset(dir.resolve("data"));
        backbone = Launcher.tinyBackbone(dir.resolve("pretrain"));
        finished = dir.resolve("finished");
        ok(line("train", Launcher.tinyTraining(data, backbone, "--steps", "2", "--eval-every", "0"), "--out", finished.toString()));
    }

    @Test
    void multiViewPredictionsAreTheSingleViewsSoftmaxAveragedByHand() throws IOException {
        TrainedRun run = TrainedRun.load(RunDir.open(finished));
        DomainData domains = DomainData.load(run.config().data.domains, 1, 0);
        ClipSource source = ClipPipeline.source(run.config(), run.model().backboneConfig());
        VideoClassifier model = run.model().classifier();
        TestViews views = new TestViews(2, 3);
        Map<String, Evaluator.Predictions> predictions = new Evaluator(source, 2).predict(model, domains.test(), views);
        int domain = 1;
        Dataset test = domains.test().get(domain);
        Evaluator.Predictions p = predictions.get(test.name());
        assertEquals(test.size(), p.probabilities().length);
        model.eval();
        try (var noGrad = Autograd.noGrad()) {
            for (int i = 0; i < test.size(); i++) {
                Tensor all = source.eval(test.clips().get(i).path(), views);
                double[] mean = new double[p.probabilities()[i].length];
                for (int v = 0; v < views.count(); v++) {
                    Tensor logits = model.forward(Variable.constant(all.slice(0, v, v + 1)), new int[] {domain}).groups().getFirst().logits().data();
                    double max = Double.NEGATIVE_INFINITY, sum = 0;
                    for (int c = 0; c < mean.length; c++) max = Math.max(max, logits.get(0, c));
                    for (int c = 0; c < mean.length; c++) sum += Math.exp(logits.get(0, c) - max);
                    for (int c = 0; c < mean.length; c++) mean[c] += Math.exp(logits.get(0, c) - max) / sum / views.count();
                }
                for (int c = 0; c < mean.length; c++) assertEquals(mean[c], p.probabilities()[i][c], 1e-5, "video " + i + ", class " + c);
            }
        } finally {
            model.train(true);
        }
    }

    @Test
    void meanClassAccuracyWeighsEveryClassAlikeAndUndecodableVideosAreWrong() {
        // class 0: three videos, all right; class 1: one video, wrong; class 2: one video that could not be decoded
        float[] right0 = {0.7f, 0.2f, 0.1f}, wrong1 = {0.6f, 0.3f, 0.1f};
        var p = new Evaluator.Predictions(List.of("a", "b", "c", "d", "e"), new int[] {0, 0, 0, 1, 2},
                new float[][] {right0, right0, right0, wrong1, null}, new String[] {null, null, null, null, "e: damaged"});
        Evaluator.Score s = p.score();
        assertEquals(5, s.videos());
        assertEquals(3.0 / 5, s.top1Accuracy(), 1e-12);
        assertEquals(4.0 / 5, s.top5Accuracy(), 1e-12, "the undecodable video misses even top-5");
        assertEquals((1.0 + 0 + 0) / 3, s.meanClassAccuracy(), 1e-12);
        assertEquals(List.of(new Evaluator.Failure("e", "e: damaged")), s.undecodable());
        var joined = Evaluator.Predictions.concat(List.of(
                new Evaluator.Predictions(List.of("a", "b"), new int[] {0, 0}, new float[][] {right0, right0}, new String[2]),
                new Evaluator.Predictions(List.of("c", "d", "e"), new int[] {0, 1, 2}, new float[][] {right0, wrong1, null}, new String[] {null, null, "e: damaged"})));
        assertEquals(s, joined.score(), "shares joined in order score as the whole");
    }

    @Test
    void evalTakesTheProtocolOnAnyFinishedRunOlderOnesIncluded() throws IOException {
        Path run = copy(finished, dir.resolve("old"));
        // a run from before the protocol: no test_clips, test_crops or max_missing in its config, the old eval.json
        Map<String, Object> config = Json.parseObject(Files.readString(run.resolve("config.json")));
        ((Map<?, ?>) config.get("train")).keySet().removeAll(List.of("test_clips", "test_crops"));
        ((Map<?, ?>) config.get("data")).keySet().remove("max_missing");
        Files.writeString(run.resolve("config.json"), Json.writePretty(config));
        Files.writeString(run.resolve("eval.json"), "{\"step\": 2, \"domains\": {\"studio\": {\"clips\": 6, \"top1\": 0.5, \"top5\": 1.0}}}");
        ok("analyze", "--run", run.toString()); // the report of an old eval.json still renders
        Launcher.Result r = ok("eval", "--run", run.toString(), "--test-clips", "2", "--test-crops", "3");
        assertTrue(r.out().contains("2 clips x 3 crops") && r.out().contains("mean class"), r.out());
        Map<String, Object> eval = Json.parseObject(Files.readString(run.resolve("eval.json")));
        assertEquals(Map.of("test_clips", 2L, "test_crops", 3L, "averaging", "prob"), eval.get("protocol"));
        Map<?, ?> studio = (Map<?, ?>) ((Map<?, ?>) eval.get("domains")).get("studio");
        for (String key : List.of("videos", "top1", "top5", "mean_class_accuracy", "undecodable", "missing")) assertTrue(studio.containsKey(key), key + " in " + studio);
        assertTrue(Files.readString(run.resolve("report.html")).contains("mean class accuracy"));
        Launcher.Result bad = Launcher.run("eval", "--run", run.toString(), "--test-crops", "2");
        assertEquals(1, bad.code());
        assertTrue(bad.err().strip().lines().toList().getLast().contains("test crops must be 1"), bad.err());
    }

    @Test
    void undecodableTestVideosCountAsWrongAndAnAllBrokenTestSplitIsAnError() throws IOException {
        Path mixed = listDomain(dir.resolve("mixed"), 1), run = dir.resolve("mixed-run");
        Launcher.Result r = ok(line("train", listTraining(mixed), "--out", run.toString()));
        assertTrue(r.err().contains("could not be decoded and count as wrong"), r.err());
        Map<?, ?> scores = (Map<?, ?>) ((Map<?, ?>) Json.parseObject(Files.readString(run.resolve("eval.json"))).get("domains")).get("mine");
        assertEquals(7L, scores.get("videos"), "the broken video stays in the denominator");
        List<?> undecodable = (List<?>) scores.get("undecodable");
        assertEquals(1, undecodable.size());
        assertTrue(((Map<?, ?>) undecodable.getFirst()).get("video").toString().endsWith("broken_0.mp4"), undecodable.toString());

        Path allBroken = listDomain(dir.resolve("all-broken"), 7);
        Launcher.Result e = Launcher.run("eval", "--run", run.toString(), "--domain", "mine=list:" + allBroken);
        assertEquals(1, e.code(), e.err() + e.out());
        String last = e.err().strip().lines().toList().getLast();
        assertTrue(last.contains("none of its 7 test videos could be decoded"), e.err());
        assertFalse(e.err().contains("\tat "), e.err());
    }

    @Test
    void aKineticsLayoutWithMissingClipsTrainsOnTheRestAndListsThem() throws IOException {
        Path k400 = kinetics(dir.resolve("k400"));
        // gone from YouTube: one training and one test clip
        Files.delete(k400.resolve("train/jump/jumptrain000_000000_000010.mp4"));
        Files.delete(k400.resolve("val/walk/walktest000_000000_000010.mp4"));
        Path run = dir.resolve("k400-run");
        Launcher.Result r = ok(line("train", kineticsTraining(k400), "--max-missing", "0.2", "--out", run.toString()));
        List<String> missing = Files.readAllLines(run.resolve("missing.txt"));
        assertEquals(List.of("k400\ttrain\t" + k400.resolve("train/jump/jumptrain000_000000_000010.mp4"), "k400\ttest\t" + k400.resolve("val/walk/walktest000_000000_000010.mp4")), missing);
        String notice = "2 of 18 listed clips are missing and left out (k400 train 1, k400 test 1): list in " + run.resolve("missing.txt");
        assertTrue(r.err().contains(notice), r.err());
        assertTrue(r.out().contains(notice), "said again at the end: " + r.out());
        assertTrue(Files.readString(run.resolve("report.html")).contains("2 listed clips were missing"));
        Map<?, ?> scores = (Map<?, ?>) ((Map<?, ?>) Json.parseObject(Files.readString(run.resolve("eval.json"))).get("domains")).get("k400");
        assertEquals(5L, scores.get("videos"));
        assertEquals(List.of(k400.resolve("val/walk/walktest000_000000_000010.mp4").toString()), scores.get("missing"));
    }

    @Test
    void missingClipsPastMaxMissingStopBeforeAnythingIsWritten() throws IOException {
        Path k400 = kinetics(dir.resolve("k400-gone"));
        Files.delete(k400.resolve("train/jump/jumptrain000_000000_000010.mp4"));
        Files.delete(k400.resolve("train/jump/jumptrain001_000000_000010.mp4"));
        Path run = dir.resolve("k400-stopped");
        Launcher.Result r = Launcher.run(line("train", kineticsTraining(k400), "--max-missing", "0.1", "--out", run.toString()));
        assertEquals(1, r.code(), r.err() + r.out());
        String err = r.err().strip();
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.contains("2 of 12 listed training clips are missing (16.7%, more than --max-missing 0.1"), err);
        assertTrue(err.contains("jumptrain000_000000_000010.mp4"), err);
        assertFalse(Files.exists(run), "no run folder is made");
    }

    /** Flags of a 1-step run on one list-layout domain {@code mine}. */
    private static List<String> listTraining(Path domain) {
        return List.of("--backbone", backbone.toString(), "--image-size", "32", "--frames", "2", "--batch", "4", "--steps", "1", "--warmup", "0",
                "--eval-every", "0", "--rank-shared", "2", "--rank-domain", "2", "--threads", "2", "--decode-threads", "2", "--domain", "mine=list:" + domain);
    }

    /** Flags of a 2-step run on one Kinetics-layout domain {@code k400}. */
    private static List<String> kineticsTraining(Path k400) {
        return List.of("--backbone", backbone.toString(), "--image-size", "32", "--frames", "2", "--batch", "4", "--steps", "2", "--warmup", "0",
                "--eval-every", "0", "--rank-shared", "2", "--rank-domain", "2", "--threads", "2", "--decode-threads", "2", "--domain", "k400=kinetics:" + k400);
    }

    /**
     * A list-layout domain of the synthetic studio clips: every training clip, and a test list of the seven
     * test clips of which the first {@code broken} are replaced by files that are no video.
     */
    private static Path listDomain(Path root, int broken) throws IOException {
        Files.createDirectories(root);
        List<String> train = new ArrayList<>(), test = new ArrayList<>();
        for (String line : Files.readAllLines(data.resolve("studio_train.txt"))) train.add(data.resolve(line.split(" ")[0]) + " " + line.split(" ")[1]);
        List<String> tests = Files.readAllLines(data.resolve("studio_test.txt"));
        for (int i = 0; i < tests.size(); i++) {
            String[] f = tests.get(i).split(" ");
            Path clip = data.resolve(f[0]);
            if (i < broken) Files.writeString(clip = root.resolve("broken_" + i + ".mp4"), "not a video");
            test.add(clip + " " + f[1]);
        }
        Files.write(root.resolve("train.txt"), train);
        Files.write(root.resolve("test.txt"), test);
        return root;
    }

    /** The synthetic street clips in Kinetics-400's layout: train.csv and validate.csv, videos under train/LABEL and val/LABEL. */
    private static Path kinetics(Path root) throws IOException {
        List<String> train = new ArrayList<>(List.of("label,youtube_id,time_start,time_end,split")), val = new ArrayList<>(train);
        for (String split : List.of("train", "test"))
            for (String line : Files.readAllLines(data.resolve("street_" + split + ".txt"))) {
                Path clip = data.resolve(line.split(" ")[0]);
                String label = clip.getParent().getFileName().toString(), id = label + clip.getFileName().toString().replace(".mp4", "").replace("_", "");
                Path to = root.resolve((split.equals("train") ? "train/" : "val/") + label + "/" + id + "_000000_000010.mp4");
                Files.createDirectories(to.getParent());
                Files.copy(clip, to);
                (split.equals("train") ? train : val).add(label + "," + id + ",0,10," + split);
            }
        Files.write(root.resolve("train.csv"), train);
        Files.write(root.resolve("validate.csv"), val);
        return root;
    }

    private static Path copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) Files.createDirectories(target);
                else Files.copy(f, target);
            }
        }
        return to;
    }
}
