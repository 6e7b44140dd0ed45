package mdlora.launcher.train;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mdlora.autograd.Variable;
import mdlora.launcher.config.Settings;
import mdlora.launcher.data.DomainData;
import mdlora.launcher.data.DomainWeights;
import mdlora.launcher.data.StepBatches;
import mdlora.launcher.data.StepPlan;
import mdlora.launcher.model.MultiDomainModel;
import mdlora.lora.video.VideoClassifier;
import mdlora.video.Batch;
import mdlora.video.ClipSource;
import mdlora.video.Dataset;
import mdlora.video.Loader;

/**
 * Multi-domain fine-tuning: each step a batch of clips drawn over the domains ({@link StepPlan}), each clip
 * routed to its domain's LoRAs and head; the loss is the cross-entropy, weighted per domain, plus the
 * domain-separation terms. Where the
 * gradients and evaluations are computed is its {@link StepCompute}'s choice; a data-parallel worker
 * computes {@linkplain #shareGradients shares} of steps and {@linkplain #evaluateShare of evaluations}.
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
        Variable ce = out.loss(b.labels(), labelSmoothing, domainWeights(b)), separation = model.separationLoss();
        Map<String, Float> parts = new LinkedHashMap<>();
        parts.put("ce", ce.item());
        parts.put("separation", separation.item());
        return new StepLoss(ce.add(separation), parts);
    }

    @Override
    public StepLoss lossWithGradients(int step) {
        return compute.lossWithGradients(this, step);
    }

    /**
     * The weight of each domain's clips in the batch's cross-entropy ({@link VideoClassifier.Output#loss(int[], float, float[])}):
     * mixed batches weigh a clip by its domain's loss weight w_d, so the loss is the weighted mean over the
     * batch; per-domain batches by w_d B / n_d, so it is MTLoRA's {@code sum_d w_d CE_d} over the domains' sub-batches
     * (n_d: the domain's clips that loaded). A function of the whole batch, so every share of it weighs alike.
     */
    private float[] domainWeights(Batch b) {
        if (!perDomainBatches) return lossWeights;
        int[] n = new int[lossWeights.length];
        for (int d : b.domains()) n[d]++;
        float[] w = new float[n.length];
        for (int d = 0; d < n.length; d++) w[d] = n[d] == 0 ? 0 : (float) ((double) lossWeights[d] * b.size() / n[d]);
        return w;
    }

    /**
     * Share {@code rank} of {@code ranks} of step {@code step}: rows [rank B/ranks, (rank+1) B/ranks) of
     * the very batch {@link #loss} would use, with the gradient of their summed weighted cross-entropy (each
     * row's CE times its domain's weight, not the mean, and without the separation terms) accumulated into
     * the trainable parameters' grads. Adding the shares of all ranks and dividing by the batch's clips gives
     * the cross-entropy part of the step's gradient.
     */
    public Share shareGradients(int step, int rank, int ranks) {
        Batch b = batches.at(step);
        int from = (int) ((long) rank * b.size() / ranks), to = (int) ((long) (rank + 1) * b.size() / ranks);
        if (from == to) return new Share(0, 0);
        int[] labels = Arrays.copyOfRange(b.labels(), from, to), domains = Arrays.copyOfRange(b.domains(), from, to);
        VideoClassifier.Output out = model.classifier().forward(Variable.constant(b.clips().slice(0, from, to)), domains);
        Variable ceSum = out.loss(labels, labelSmoothing, domainWeights(b)).mul(to - from);
        ceSum.backward();
        return new Share(to - from, ceSum.item());
    }

    /** The domain-separation terms, which depend on the weights alone (a data-parallel run counts them once, on the driver). */
    public Variable separationLoss() {
        return model.separationLoss();
    }

    /**
     * Scores on share {@code rank} of {@code ranks} of each domain's test clips (of the evenly spaced
     * subset of {@code limit} per domain when {@code limit} > 0): adding the clip counts of all ranks gives
     * the scores of the whole set.
     */
    public Map<String, Evaluator.Score> evaluateShare(int rank, int ranks, int limit) {
        List<Dataset> shares = data.test().stream().map(d -> {
            Dataset s = Evaluator.subset(d, limit);
            int from = (int) ((long) rank * s.size() / ranks), to = (int) ((long) (rank + 1) * s.size() / ranks);
            return new Dataset(s.name(), s.classes(), s.clips().subList(from, to));
        }).toList();
        return evaluator.evaluate(model.classifier(), shares, 0);
    }

    @Override
    public Map<String, Double> evaluate(int step, boolean last) {
        Map<String, Evaluator.Score> scores = compute.evaluate(this, last ? 0 : evalClips);
        if (last) finalScores = scores;
        Map<String, Double> accuracy = new LinkedHashMap<>();
        scores.forEach((d, s) -> accuracy.put(d, s.top1Accuracy()));
        return accuracy;
    }

    /** The scores of the evaluation at the end of training, or null before it. */
    public Map<String, Evaluator.Score> finalScores() {
        return finalScores;
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
