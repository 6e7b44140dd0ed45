package mdlora.launcher.train;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mdlora.launcher.analysis.Analysis;
import mdlora.launcher.config.ConfigException;
import mdlora.launcher.config.Settings;
import mdlora.launcher.data.CacheWarmer;
import mdlora.launcher.data.ClipPipeline;
import mdlora.launcher.data.DomainData;
import mdlora.launcher.data.DomainWeights;
import mdlora.launcher.data.StepPlan;
import mdlora.launcher.model.Backbone;
import mdlora.launcher.model.MultiDomainModel;
import mdlora.launcher.report.RunReport;
import mdlora.launcher.run.RunDir;
import mdlora.launcher.run.RunLock;
import mdlora.lora.PeftNames;
import mdlora.lora.video.VideoClassifier;
import mdlora.nn.ViTConfig;
import mdlora.tensor.io.AtomicFile;
import mdlora.video.ClipRecord;
import mdlora.video.ClipSource;
import mdlora.video.Dataset;

/**
 * A multi-domain fine-tuning run from start (or its checkpoint) to its outputs: reads the domains,
 * builds the model on the backbone, fills the frame cache, trains, and at the end writes the adapters
 * (PEFT layout, each domain's head in its adapter as {@code modules_to_save}), {@code eval.json}, the analysis of the LoRAs and the report. {@code train}, {@code demo} and {@code experiment}
 * all run this, so the demo is exactly a preset config of {@code train}.
 */
public final class FineTuning {
    /** How the run ended, and its model with the trained weights. */
    public record Outcome(Trainer.Result result, MultiDomainModel model, Map<String, Evaluator.Score> scores) {}

    /** The run folder's list of missing clips. */
    public static final String MISSING = "missing.txt";

    private final Settings config;
    private final DomainData data;
    private final MultiDomainModel model;
    private final StepPlan plan;
    private final ClipSource source;
    private final Map<String, Object> changes;
    private final Map<String, Object> backbone;

    private FineTuning(Settings config, DomainData data, MultiDomainModel model, StepPlan plan, ClipSource source, Map<String, Object> changes,
                       Map<String, Object> backbone) {
        this.backbone = backbone;
        this.config = config;
        this.data = data;
        this.model = model;
        this.plan = plan;
        this.source = source;
        this.changes = changes;
    }

    /**
     * Reads the domains and the backbone and builds the model: everything a config can get wrong fails
     * here, before a run folder is made.
     */
    public static FineTuning prepare(Settings config) {
        return prepare(config, Map.of());
    }

    /**
     * As {@link #prepare(Settings)} for a resume that changes the learning-rate settings named in
     * {@code changes} (config key without section: new value; {@code config} holds them already). They
     * are written (config.json, and a {@code settings} line in metrics.jsonl at the checkpoint's step)
     * only once the run's data and checkpoint have proved usable, so a resume that fails changes nothing.
     */
    public static FineTuning prepare(Settings config, Map<String, Object> changes) {
        DomainData data = DomainData.load(config.data.domains, config.data.split, config.data.maxMissing);
        ClipPipeline.testViews(config.train.testClips, config.train.testCrops); // a bad protocol fails here, not after training
        StepPlan plan = StepPlan.of(config.train, data.train(), data.names());
        DomainWeights.loss(config.train, data.names()); // checked here, before a run folder is made; the job reads them
        List<VideoClassifier.Domain> domains = new ArrayList<>();
        for (int d = 0; d < data.domains().size(); d++) domains.add(new VideoClassifier.Domain(data.names().get(d), data.classes(d).size()));
        Backbone backbone = Backbone.load(config.model.backbone, config.model.heads);
        takeFromBackbone(config, backbone);
        MultiDomainModel model = MultiDomainModel.create(config, backbone, domains);
        return new FineTuning(config, data, model, plan, ClipPipeline.source(config, model.backboneConfig()), changes, fingerprint(backbone));
    }

    /**
     * Fills in what the config leaves to the backbone (image size 0, no mean or std: its own), so that the run's
     * config.json records what it uses; says in one line when the image size makes the backbone resample its
     * position embedding.
     */
    private static void takeFromBackbone(Settings config, Backbone backbone) {
        ViTConfig own = backbone.config();
        if (config.data.imageSize == 0) config.data.imageSize = own.imageSize();
        if (config.data.mean.isEmpty()) config.data.mean = channels(own.mean());
        if (config.data.std.isEmpty()) config.data.std = channels(own.std());
        backbone.resampling(config.data.imageSize).ifPresent(line -> System.err.println("mdlora: " + line));
    }

    /** R, G, B as the config writes them: 0.485f becomes 0.485, not 0.48500001430511475. */
    private static List<Double> channels(ViTConfig.Rgb rgb) {
        List<Double> out = new ArrayList<>();
        for (float v : rgb.toArray()) out.add(Double.parseDouble(Float.toString(v)));
        return out;
    }

    /** Trains in this process, in {@code run} (from its checkpoint when it has one) until the end, {@code stopAfter} steps, or a stop. */
    public Outcome train(RunDir run, int stopAfter, StopSignal stop) throws IOException {
        return train(run, stopAfter, stop, StepCompute.LOCAL);
    }

    /** As {@link #train(RunDir, int, StopSignal)}, with the gradients and evaluations computed by {@code compute}. */
    public Outcome train(RunDir run, int stopAfter, StopSignal stop, StepCompute compute) throws IOException {
        try (RunLock lock = RunLock.acquire(run)) {
            return trainLocked(run, stopAfter, stop, compute);
        }
    }

    private Outcome trainLocked(RunDir run, int stopAfter, StopSignal stop, StepCompute compute) throws IOException {
        writeInputs(run);
        writeMissing(run, data);
        if (!data.missing().isEmpty()) System.err.println("mdlora train: " + missingNotice(run));
        if (!config.data.cache.isEmpty()) CacheWarmer.warm(data, source, config.data.decodeThreads);
        try (var job = job(compute)) {
            int steps = config.train.epochs > 0 ? config.train.epochs * job.batchesPerEpoch() : config.train.steps;
            var optimization = Optimization.of(config, job.trainable(), steps);
            var settings = new Trainer.Settings(steps, config.train.evalEvery, config.train.checkpointEvery,
                    config.train.gradClip, stopAfter);
            Trainer.Result result = new Trainer(run, settings, job, optimization.optimizer(), optimization.scheduler(), stop).run(step -> run.recordChanges(config, changes, step));
            reportUnreadable(job.unreadableClips());
            if (result.stopped()) return new Outcome(result, model, null);
            if (job.finalScores() == null && run.readJson("eval.json") == null) job.evaluate(result.steps(), true); // finished, eval.json lost
            Map<String, Evaluator.Score> scores = job.finalScores();
            if (scores != null) Scores.write(run, result.steps(), job.testViews(), scores, data);
            if (model.lora() != null) {
                model.classifier().saveAdapters(model.lora(), run.adapters(), PeftNames.TIMM);
                run.writeJson("analysis.json", Analysis.of(model.lora(), config.lora.tau));
            }
            RunReport.write(run, "train");
            return new Outcome(result, model, scores);
        }
    }

    /** One line counting the training clips left out as unreadable (each was logged once when it first failed). */
    private static void reportUnreadable(List<Path> clips) {
        if (clips.isEmpty()) return;
        System.err.println("mdlora: " + clips.size() + " training clip" + (clips.size() == 1 ? " was" : "s were")
                + " unreadable and left out of training: " + String.join(", ", clips.stream().limit(5).map(Object::toString).toList())
                + (clips.size() > 5 ? " and " + (clips.size() - 5) + " more" : ""));
    }

    /** The one line saying how many listed clips are missing and where {@code run} lists them; empty when none is. */
    public String missingNotice(RunDir run) {
        return data.missingNotice(run.file(MISSING).toString());
    }

    /** {@value #MISSING}: one line per listed clip whose file is gone (domain, list, path, tab-separated); none when all exist. */
    private static void writeMissing(RunDir run, DomainData data) throws IOException {
        if (data.missing().isEmpty()) {
            Files.deleteIfExists(run.file(MISSING));
            return;
        }
        StringBuilder text = new StringBuilder();
        for (DomainData.Missing m : data.missing()) text.append(m.domain()).append('\t').append(m.split()).append('\t').append(m.path()).append('\n');
        AtomicFile.writeString(run.file(MISSING), text.toString());
    }

    /** The run's job over this model and data (a data-parallel worker builds one to compute its shares). */
    public MultiDomainJob job(StepCompute compute) {
        return new MultiDomainJob(config, model, data, plan, source, compute);
    }

    /**
     * {@code domains.json}: each domain's class names, so that predict and export need no dataset;
     * {@code datasets.json}: a fingerprint of each domain's train and test lists; {@code backbone.json}: the
     * backbone's. A resumed run whose classes, lists or backbone changed is refused, naming what changed,
     * before any file is rewritten.
     */
    private void writeInputs(RunDir run) throws IOException {
        Map<String, Object> classes = new LinkedHashMap<>(), lists = new LinkedHashMap<>();
        for (int d = 0; d < data.domains().size(); d++) {
            String name = data.names().get(d);
            classes.put(name, data.classes(d));
            lists.put(name + " train", fingerprint(data.train().get(d)));
            lists.put(name + " test", fingerprint(data.test().get(d)));
        }
        refuseChanges(run, "domains.json", "the dataset", "classes of domain", classes);
        refuseChanges(run, "datasets.json", "the dataset", "clip list of", lists);
        refuseChanges(run, BACKBONE_FILE, "the backbone", backbone.get("file") + ":", backbone);
        run.writeJson("domains.json", classes);
        run.writeJson("datasets.json", lists);
        run.writeJson(BACKBONE_FILE, backbone);
    }

    /** Where a run records its backbone's fingerprint. */
    private static final String BACKBONE_FILE = "backbone.json";

    /** What a run records of its backbone: what its config names and the fingerprint of its bytes. */
    private static Map<String, Object> fingerprint(Backbone backbone) {
        return new LinkedHashMap<>(Map.of("file", backbone.source(), "fingerprint", backbone.fingerprint()));
    }

    /**
     * Refuses {@code backbone} for {@code run} when it is not the backbone the run trained on (its bytes changed
     * or were damaged since): the LoRAs were fitted to those weights. Runs from before backbone.json pass.
     */
    static void requireSameBackbone(RunDir run, Backbone backbone) throws IOException {
        Map<String, Object> now = fingerprint(backbone);
        refuseChanges(run, BACKBONE_FILE, "the backbone", now.get("file") + ":", now);
    }

    private static void refuseChanges(RunDir run, String file, String subject, String what, Map<String, Object> now) throws IOException {
        Map<String, Object> before = run.readJson(file);
        if (before == null || before.equals(now)) return;
        List<String> changed = new ArrayList<>();
        for (String key : now.keySet()) if (!now.get(key).equals(before.get(key))) changed.add(key + " (was " + before.get(key) + ", now " + now.get(key) + ")");
        for (String key : before.keySet()) if (!now.containsKey(key)) changed.add(key + " (gone)");
        throw new ConfigException(run.path() + ": " + subject + " changed since the run started: " + what + " " + String.join("; ", changed)
                + "; restore it, or start a new run");
    }

    /** The number of clips and a SHA-256 of the list (path and label of each clip, in order). */
    private static String fingerprint(Dataset d) {
        try {
            var sha = MessageDigest.getInstance("SHA-256");
            for (ClipRecord c : d.clips()) sha.update((c.path() + "\t" + c.label() + "\n").getBytes(StandardCharsets.UTF_8));
            return d.size() + " clips, sha256 " + HexFormat.of().formatHex(sha.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
