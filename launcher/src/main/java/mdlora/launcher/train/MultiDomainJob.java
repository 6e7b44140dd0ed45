package mdlora.launcher.train;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mdlora.autograd.Variable;
import mdlora.launcher.config.Settings;
import mdlora.launcher.data.ClipPipeline;
import mdlora.launcher.data.DomainData;
import mdlora.launcher.data.DomainWeights;
import mdlora.launcher.data.StepBatches;
import mdlora.launcher.data.StepPlan;
import mdlora.launcher.model.MultiDomainModel;
import mdlora.lora.MultiDomainLora;
import mdlora.lora.video.VideoClassifier;
import mdlora.video.Batch;
import mdlora.video.ClipSource;
import mdlora.video.Dataset;
import mdlora.video.Loader;
import mdlora.video.TestViews;

/**
 * Multi-domain fine-tuning: each step a batch of clips drawn over the domains ({@link StepPlan}), each clip
 * routed to its domain's LoRAs and head; the loss is the cross-entropy, weighted per domain, plus the
 * domain-separation terms. Where the
 * gradients and evaluations are computed is its {@link StepCompute}'s choice; a data-parallel worker
 * computes {@linkplain #shareGradients shares} of steps and {@linkplain #predictShare of evaluations}.
 */
public final class MultiDomainJob implements TrainingJob, AutoCloseable {
    private static final int PREFETCH = 3;

    private final MultiDomainModel model;
    private final DomainData data;
    private final StepBatches batches;
    private final Evaluator evaluator;
    private final float labelSmoothing;
    private final float[] lossWeights;
    private final boolean perDomainBatches;
    private final int evalClips;
    private final TestViews testViews;
    private final StepCompute compute;
    private Map<String, Evaluator.Score> finalScores;

    /** The cross-entropy summed over a share of a step's batch, and the clips it covered. */
    public record Share(int clips, float ceSum) {}

    /** @param plan the batches of the steps, drawn over {@code data}'s training clips */
    public MultiDomainJob(Settings config, MultiDomainModel model, DomainData data, StepPlan plan, ClipSource source, StepCompute compute) {
        this.model = model;
        model.classifier().backbone().recomputeActivations(config.train.recomputeActivations);
        this.data = data;
        int workers = config.data.decodeThreads;
        var options = new Loader.Options(config.train.batch, workers, PREFETCH, config.train.seed, true, Loader.Mixing.MIXED);
        this.batches = new StepBatches(new Loader(data.train(), source, options, System.err::println), plan, PREFETCH);
        this.evaluator = new Evaluator(source, workers);
        this.labelSmoothing = (float) config.train.labelSmoothing;
        this.lossWeights = DomainWeights.loss(config.train, data.names());
        this.perDomainBatches = config.train.domainBatches == Settings.DomainBatches.PER_DOMAIN;
        this.evalClips = config.train.evalClips;
        this.testViews = ClipPipeline.testViews(config.train.testClips, config.train.testCrops);
        this.compute = compute;
    }

    /** The model this job trains (a data-parallel worker fingerprints its frozen backbone). */
    public MultiDomainModel model() {
        return model;
    }

    @Override
    public Map<String, Variable> trainable() {
        return model.trainable();
    }

    @Override
    public StepLoss loss(int step) {
        Batch b = batches.at(step);
        VideoClassifier.Output out = model.classifier().forward(Variable.constant(b.clips()), b.domains());
        Variable ce = out.loss(b.labels(), labelSmoothing, domainWeights(b.domains()));
        MultiDomainLora.Separation separation = model.separation();
        return new StepLoss(ce.add(separation.total()), parts(ce.item(), separation));
    }

    /**
     * The parts of a step's loss the log shows: the cross-entropy, the separation loss, and its two weighted terms
     * ({@code orth}: lambda1 L_orth, {@code ss}: lambda2 L_ss).
     */
    public static Map<String, Float> parts(float ce, MultiDomainLora.Separation separation) {
        Map<String, Float> parts = new LinkedHashMap<>();
        parts.put("ce", ce);
        parts.put("separation", separation.total().item());
        parts.put("orth", separation.orthogonality());
        parts.put("ss", separation.subspace());
        return parts;
    }

    @Override
    public StepLoss lossWithGradients(int step) {
        return compute.lossWithGradients(this, step);
    }

    /**
     * The weight of each domain's clips in the cross-entropy of a batch whose clips come from {@code batchDomains}
     * ({@link VideoClassifier.Output#loss(int[], float, float[])}): mixed batches weigh a clip by its domain's
     * loss weight w_d, so the loss is the weighted mean over the batch; per-domain batches by w_d B / n_d, so it
     * is MTLoRA's {@code sum_d w_d CE_d} over the domains' sub-batches (n_d of the domain's B clips). A function
     * of the whole batch, so every share of it weighs alike.
     */
    private float[] domainWeights(int[] batchDomains) {
        if (!perDomainBatches) return lossWeights;
        int[] n = new int[lossWeights.length];
        for (int d : batchDomains) n[d]++;
        float[] w = new float[n.length];
        for (int d = 0; d < n.length; d++) w[d] = n[d] == 0 ? 0 : (float) ((double) lossWeights[d] * batchDomains.length / n[d]);
        return w;
    }

    /**
     * Share {@code rank} of {@code ranks} of step {@code step}: rows [rank B/ranks, (rank+1) B/ranks) of the
     * batch {@link #loss} would use as planned (B its planned clips), decoded alone
     * ({@link StepBatches#share}), with the gradient of their summed weighted cross-entropy (each row's CE
     * times its domain's weight, not the mean, and without the separation terms) accumulated into the
     * trainable parameters' grads. Adding the shares of all ranks and dividing by the clips they covered gives
     * the cross-entropy part of the step's gradient: that of one process, whose loaded batch is the union of
     * the shares (per-domain weights count the planned clips, so they differ from one process's only when a
     * clip fails to load).
     */
    public Share shareGradients(int step, int rank, int ranks) {
        int planned = batches.clipsPerStep();
        int from = (int) ((long) rank * planned / ranks), to = (int) ((long) (rank + 1) * planned / ranks);
        Batch b = from == to ? null : batches.share(step, from, to);
        if (b == null) return new Share(0, 0);
        VideoClassifier.Output out = model.classifier().forward(Variable.constant(b.clips()), b.domains());
        Variable ceSum = out.loss(b.labels(), labelSmoothing, domainWeights(batches.plannedDomains(step))).mul(b.size());
        ceSum.backward();
        return new Share(b.size(), ceSum.item());
    }

    /** The domain-separation terms, which depend on the weights alone (a data-parallel run counts them once, on the driver). */
    public MultiDomainLora.Separation separation() {
        return model.separation();
    }

    /**
     * Predictions on share {@code rank} of {@code ranks} of each domain's test videos (of the evenly spaced
     * subset of {@code limit} per domain when {@code limit} > 0), {@code views} per video: the shares of all
     * ranks joined in rank order are the predictions on the whole set.
     */
    public Map<String, Evaluator.Predictions> predictShare(int rank, int ranks, int limit, TestViews views) {
        List<Dataset> shares = data.test().stream().map(d -> {
            Dataset s = Evaluator.subset(d, limit);
            int from = (int) ((long) rank * s.size() / ranks), to = (int) ((long) (rank + 1) * s.size() / ranks);
            return new Dataset(s.name(), s.classes(), s.clips().subList(from, to));
        }).toList();
        return evaluator.predict(model.classifier(), shares, views);
    }

    /**
     * The periodic evaluations score one centre view of each video (of the {@code --eval-clips} subset); the
     * last, the run's result, all videos with the {@code --test-clips} x {@code --test-crops} protocol.
     */
    @Override
    public Map<String, Double> evaluate(int step, boolean last) {
        Map<String, Evaluator.Score> scores = Evaluator.score(compute.predict(this, last ? 0 : evalClips, last ? testViews : TestViews.SINGLE));
        if (last) finalScores = scores;
        Map<String, Double> accuracy = new LinkedHashMap<>();
        scores.forEach((d, s) -> accuracy.put(d, s.top1Accuracy()));
        return accuracy;
    }

    /** The views per test video of the final evaluation. */
    public TestViews testViews() {
        return testViews;
    }

    /** The scores of the evaluation at the end of training, or null before it. */
    public Map<String, Evaluator.Score> finalScores() {
        return finalScores;
    }

    /** The training clips that could not be read (left out of their batches) in this process so far. */
    public List<Path> unreadableClips() {
        return batches.unreadable();
    }

    /** Steps in one epoch: as many as take as many clips as the training set holds. */
    public int batchesPerEpoch() {
        return batches.perEpoch();
    }

    @Override
    public void close() {
        batches.close();
    }
}
