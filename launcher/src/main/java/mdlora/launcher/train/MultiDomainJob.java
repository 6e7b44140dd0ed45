package mdlora.launcher.train;

import java.util.LinkedHashMap;
import java.util.Map;
import mdlora.autograd.Variable;
import mdlora.launcher.config.Settings;
import mdlora.launcher.data.DomainData;
import mdlora.launcher.data.StepBatches;
import mdlora.launcher.model.MultiDomainModel;
import mdlora.lora.video.VideoClassifier;
import mdlora.video.Batch;
import mdlora.video.ClipSource;
import mdlora.video.Loader;

/**
 * Multi-domain fine-tuning: each step a batch of clips mixed over the domains, each clip routed to its
 * domain's LoRAs and head; the loss is the cross-entropy plus the domain-separation terms.
 */
public final class MultiDomainJob implements TrainingJob, AutoCloseable {
    private static final int PREFETCH = 3;

    private final MultiDomainModel model;
    private final DomainData data;
    private final StepBatches batches;
    private final Evaluator evaluator;
    private final float labelSmoothing;
    private final int evalClips;
    private Map<String, Evaluator.Score> finalScores;

    public MultiDomainJob(Settings config, MultiDomainModel model, DomainData data, ClipSource source) {
        this.model = model;
        model.classifier().backbone().recomputeActivations(config.train.recomputeActivations);
        this.data = data;
        int workers = config.data.workers;
        var options = new Loader.Options(config.train.batch, workers, PREFETCH, config.train.seed, true, Loader.Mixing.MIXED);
        this.batches = new StepBatches(new Loader(data.train(), source, options, System.err::println));
        this.evaluator = new Evaluator(source, workers);
        this.labelSmoothing = (float) config.train.labelSmoothing;
        this.evalClips = config.train.evalClips;
    }

    @Override
    public Map<String, Variable> trainable() {
        return model.trainable();
    }

    @Override
    public StepLoss loss(int step) {
        Batch b = batches.at(step);
        VideoClassifier.Output out = model.classifier().forward(Variable.constant(b.clips()), b.domains());
        Variable ce = out.loss(b.labels(), labelSmoothing), separation = model.separationLoss();
        Map<String, Float> parts = new LinkedHashMap<>();
        parts.put("ce", ce.item());
        parts.put("separation", separation.item());
        return new StepLoss(ce.add(separation), parts);
    }

    @Override
    public Map<String, Double> evaluate(int step, boolean last) {
        Map<String, Evaluator.Score> scores = evaluator.evaluate(model.classifier(), data.test(), last ? 0 : evalClips);
        if (last) finalScores = scores;
        Map<String, Double> accuracy = new LinkedHashMap<>();
        scores.forEach((d, s) -> accuracy.put(d, s.top1Accuracy()));
        return accuracy;
    }

    /** The scores of the evaluation at the end of training, or null before it. */
    public Map<String, Evaluator.Score> finalScores() {
        return finalScores;
    }

    /** Batches in one epoch over the mixed training set. */
    public int batchesPerEpoch() {
        return batches.perEpoch();
    }

    @Override
    public void close() {
        batches.close();
    }
}
