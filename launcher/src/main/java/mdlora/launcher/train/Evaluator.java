package mdlora.launcher.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mdlora.autograd.Autograd;
import mdlora.autograd.Variable;
import mdlora.launcher.run.Progress;
import mdlora.lora.video.VideoClassifier;
import mdlora.tensor.Tensor;
import mdlora.video.Batch;
import mdlora.video.ClipSource;
import mdlora.video.Dataset;
import mdlora.video.Loader;

/** Top-1 and top-5 accuracy of a video classifier on each domain's test clips (centre frames and crop, no grad). */
public final class Evaluator {
    private static final int BATCH = 8, PREFETCH = 2;

    /** The score of one domain. */
    public record Score(int clips, int top1, int top5) {
        public double top1Accuracy() {
            return clips == 0 ? 0 : (double) top1 / clips;
        }

        public double top5Accuracy() {
            return clips == 0 ? 0 : (double) top5 / clips;
        }
    }

    private final ClipSource source;
    private final int workers;

    public Evaluator(ClipSource source, int workers) {
        this.source = source;
        this.workers = workers;
    }

    /**
     * Scores {@code model} on {@code test} (one dataset per domain, in the model's domain order); with
     * {@code limit} > 0, on an evenly spaced subset of at most that many clips per domain.
     */
    public Map<String, Score> evaluate(VideoClassifier model, List<Dataset> test, int limit) {
        List<Dataset> subsets = test.stream().map(d -> subset(d, limit)).toList();
        int[] clips = new int[test.size()], top1 = new int[test.size()], top5 = new int[test.size()];
        int total = subsets.stream().mapToInt(Dataset::size).sum();
        model.eval();
        try (var loader = new Loader(subsets, source, new Loader.Options(BATCH, workers, PREFETCH, 0, false, Loader.Mixing.PER_DOMAIN), System.err::println);
             var epoch = loader.epoch(0); var progress = Progress.start("eval", total, "clips"); var noGrad = Autograd.noGrad()) {
            while (epoch.hasNext()) {
                Batch b = epoch.next();
                VideoClassifier.Output out = model.forward(Variable.constant(b.clips()), b.domains());
                for (VideoClassifier.DomainLogits g : out.groups()) {
                    Tensor logits = g.logits().data();
                    for (int i = 0; i < g.samples().length; i++) {
                        int clip = g.samples()[i];
                        requireFinite(logits, i, subsets.get(g.domain()).name());
                        int rank = rankOfLabel(logits, i, b.labels()[clip]);
                        clips[g.domain()]++;
                        if (rank == 0) top1[g.domain()]++;
                        if (rank < 5) top5[g.domain()]++;
                    }
                }
                progress.advance(b.size());
            }
        } finally {
            model.train(true);
        }
        Map<String, Score> out = new LinkedHashMap<>();
        for (int d = 0; d < test.size(); d++) out.put(test.get(d).name(), new Score(clips[d], top1[d], top5[d]));
        return out;
    }

    /** A non-finite logit would rank as right (NaN compares false): the model has diverged, which is an error, not a score. */
    private static void requireFinite(Tensor logits, int row, String domain) {
        for (int c = 0; c < logits.size(1); c++)
            if (!Float.isFinite(logits.get(row, c)))
                throw new Diverged("the model gives non-finite logits (" + logits.get(row, c) + ") on domain " + domain + ": it has diverged");
    }

    /** How many classes score higher than {@code label} in row {@code row} (0: the prediction is right). */
    private static int rankOfLabel(Tensor logits, int row, int label) {
        float target = logits.get(row, label);
        int higher = 0;
        for (int c = 0; c < logits.size(1); c++) if (logits.get(row, c) > target) higher++;
        return higher;
    }

    /** At most {@code limit} clips of {@code d}, evenly spaced over its list (lists are often sorted by class). */
    static Dataset subset(Dataset d, int limit) {
        if (limit <= 0 || d.size() <= limit) return d;
        List<mdlora.video.ClipRecord> picked = new ArrayList<>();
        for (int i = 0; i < limit; i++) picked.add(d.clips().get((int) ((long) i * d.size() / limit)));
        return new Dataset(d.name(), d.classes(), picked);
    }
}
