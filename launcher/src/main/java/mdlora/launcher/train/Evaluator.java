package mdlora.launcher.train;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import mdlora.autograd.Autograd;
import mdlora.autograd.Variable;
import mdlora.launcher.config.ConfigException;
import mdlora.launcher.run.Progress;
import mdlora.lora.video.VideoClassifier;
import mdlora.tensor.Tensor;
import mdlora.video.ClipRecord;
import mdlora.video.ClipSource;
import mdlora.video.Dataset;
import mdlora.video.TestViews;
import mdlora.video.VideoFormatException;

/**
 * A video classifier scored on each domain's test videos with mmaction2's test protocol ({@link TestViews}):
 * every view of a video goes through the model (no grad), and the video's prediction is the mean of its
 * views' softmax probabilities (mmaction2's {@code average_clips='prob'}). A video that cannot be decoded
 * has no prediction and counts as wrong. Predicting and scoring are apart so that data-parallel workers can
 * predict shares of the videos and the driver score them all together.
 */
public final class Evaluator {
    /** Model inputs (views) per forward pass: a batch of 8 clips, as training's default. */
    private static final int ROWS = 8;
    /** Videos each decoding thread works ahead of the model. */
    private static final int AHEAD = 2;

    /** A test video that could not be decoded, and why. */
    public record Failure(String video, String error) implements Serializable {}

    /**
     * The predictions on one domain's test videos, in list order.
     *
     * @param videos        each video's file or folder
     * @param labels        each video's true class
     * @param probabilities each video's class probabilities averaged over its views; null for a video that could not be decoded
     * @param errors        why each video could not be decoded; null for a video that was
     */
    public record Predictions(List<String> videos, int[] labels, float[][] probabilities, String[] errors) implements Serializable {
        /** Shares of one domain's videos joined in order (data-parallel workers predict consecutive shares). */
        public static Predictions concat(List<Predictions> shares) {
            List<String> videos = new ArrayList<>();
            for (Predictions p : shares) videos.addAll(p.videos());
            return new Predictions(List.copyOf(videos),
                    shares.stream().flatMapToInt(p -> Arrays.stream(p.labels())).toArray(),
                    shares.stream().flatMap(p -> Arrays.stream(p.probabilities())).toArray(float[][]::new),
                    shares.stream().flatMap(p -> Arrays.stream(p.errors())).toArray(String[]::new));
        }

        /**
         * Top-1 and top-5 hits (a tie with the true class counts for it), and the mean over the classes that
         * have test videos of each class's top-1 accuracy; an undecodable video is a miss.
         */
        public Score score() {
            int top1 = 0, top5 = 0;
            Map<Integer, int[]> perClass = new TreeMap<>(); // label -> {videos, hits}
            List<Failure> failures = new ArrayList<>();
            for (int i = 0; i < labels.length; i++) {
                int[] c = perClass.computeIfAbsent(labels[i], k -> new int[2]);
                c[0]++;
                if (probabilities[i] == null) {
                    failures.add(new Failure(videos.get(i), errors[i]));
                    continue;
                }
                int rank = rankOfLabel(probabilities[i], labels[i]);
                if (rank == 0) {
                    top1++;
                    c[1]++;
                }
                if (rank < 5) top5++;
            }
            double meanClass = perClass.values().stream().mapToDouble(c -> (double) c[1] / c[0]).average().orElse(0);
            return new Score(labels.length, top1, top5, meanClass, List.copyOf(failures));
        }
    }

    /**
     * The score of one domain.
     *
     * @param videos            test videos, those that could not be decoded included
     * @param top1              videos whose true class scores highest
     * @param top5              videos whose true class is among the five highest
     * @param meanClassAccuracy the mean of the per-class top-1 accuracies (each class counts alike, however many videos it has)
     * @param undecodable       the videos that could not be decoded (counted as wrong)
     */
    public record Score(int videos, int top1, int top5, double meanClassAccuracy, List<Failure> undecodable) {
        public double top1Accuracy() {
            return videos == 0 ? 0 : (double) top1 / videos;
        }

        public double top5Accuracy() {
            return videos == 0 ? 0 : (double) top5 / videos;
        }
    }

    private final ClipSource source;
    private final int workers;

    public Evaluator(ClipSource source, int workers) {
        this.source = source;
        this.workers = workers;
    }

    /** Predictions of {@code model} on each dataset of {@code test} (one per domain, in the model's domain order), with {@code views} per video. */
    public Map<String, Predictions> predict(VideoClassifier model, List<Dataset> test, TestViews views) {
        Map<String, Predictions> out = new LinkedHashMap<>();
        ExecutorService decoders = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "mdlora-eval-decoder");
            t.setDaemon(true);
            return t;
        });
        model.eval();
        try (var progress = Progress.start("eval", test.stream().mapToInt(Dataset::size).sum(), "videos"); var noGrad = Autograd.noGrad()) {
            for (int d = 0; d < test.size(); d++) out.put(test.get(d).name(), predict(model, d, test.get(d), views, decoders, progress));
        } finally {
            decoders.shutdownNow();
            model.train(true);
        }
        return out;
    }

    private Predictions predict(VideoClassifier model, int domain, Dataset data, TestViews views, ExecutorService decoders, Progress progress) {
        int n = data.size(), perPass = Math.max(1, ROWS / views.count());
        float[][] probabilities = new float[n][];
        String[] errors = new String[n];
        ArrayDeque<Future<Tensor>> ahead = new ArrayDeque<>();
        List<Integer> pending = new ArrayList<>();
        List<Tensor> inputs = new ArrayList<>();
        for (int i = 0, submitted = 0; i < n; i++) {
            for (; submitted < n && submitted - i < workers * AHEAD; submitted++) {
                Path clip = data.clips().get(submitted).path();
                ahead.add(decoders.submit(() -> source.eval(clip, views)));
            }
            try {
                inputs.add(ahead.poll().get());
                pending.add(i);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof IOException cause)) throw new IllegalStateException("decoding " + data.clips().get(i).path() + " failed", e.getCause());
                errors[i] = cause instanceof VideoFormatException ? cause.getMessage() : data.clips().get(i).path() + ": " + cause;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while decoding " + data.clips().get(i).path(), e);
            }
            if (pending.size() == perPass || i == n - 1 && !pending.isEmpty()) {
                float[][] p = forward(model, domain, data.name(), inputs, views.count());
                for (int v = 0; v < p.length; v++) probabilities[pending.get(v)] = p[v];
                pending.clear();
                inputs.clear();
            }
            progress.advance(1);
        }
        return new Predictions(data.clips().stream().map(c -> c.path().toString()).toList(), data.clips().stream().mapToInt(ClipRecord::label).toArray(),
                probabilities, errors);
    }

    /** The class probabilities of each video of {@code inputs} ({@code [views, T, 3, H, W]} each), averaged over its views. */
    private static float[][] forward(VideoClassifier model, int domain, String name, List<Tensor> inputs, int views) {
        Tensor x = Tensor.stack(0, inputs.toArray(Tensor[]::new));
        int[] shape = x.shape();
        x = x.reshape(IntStream.concat(IntStream.of(shape[0] * views), Arrays.stream(shape, 2, shape.length)).toArray());
        int[] domains = new int[shape[0] * views];
        Arrays.fill(domains, domain);
        VideoClassifier.Output out = model.forward(Variable.constant(x), domains);
        double[][] sums = new double[shape[0]][];
        for (VideoClassifier.DomainLogits g : out.groups()) {
            Tensor logits = g.logits().data();
            for (int r = 0; r < g.samples().length; r++) {
                double[] p = softmax(logits, r, name);
                int video = g.samples()[r] / views;
                if (sums[video] == null) sums[video] = new double[p.length];
                for (int c = 0; c < p.length; c++) sums[video][c] += p[c];
            }
        }
        float[][] mean = new float[sums.length][];
        for (int v = 0; v < sums.length; v++) {
            mean[v] = new float[sums[v].length];
            for (int c = 0; c < mean[v].length; c++) mean[v][c] = (float) (sums[v][c] / views);
        }
        return mean;
    }

    /**
     * The softmax of row {@code row}; a non-finite logit would rank as right (NaN compares false): the
     * model has diverged, which is an error, not a score.
     */
    private static double[] softmax(Tensor logits, int row, String domain) {
        int classes = logits.size(1);
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < classes; c++) {
            float l = logits.get(row, c);
            if (!Float.isFinite(l)) throw new Diverged("the model gives non-finite logits (" + l + ") on domain " + domain + ": it has diverged");
            max = Math.max(max, l);
        }
        double[] p = new double[classes];
        double sum = 0;
        for (int c = 0; c < classes; c++) sum += p[c] = Math.exp(logits.get(row, c) - max);
        for (int c = 0; c < classes; c++) p[c] /= sum;
        return p;
    }

    /** How many classes score higher than {@code label} (0: the prediction is right). */
    private static int rankOfLabel(float[] scores, int label) {
        int higher = 0;
        for (float s : scores) if (s > scores[label]) higher++;
        return higher;
    }

    /**
     * The score of each domain's predictions; a domain none of whose test videos could be decoded is an
     * error (a score of 0 would pass for a result), and one line tells of each domain with some undecodable.
     */
    public static Map<String, Score> score(Map<String, Predictions> predictions) {
        Map<String, Score> out = new LinkedHashMap<>();
        predictions.forEach((domain, p) -> {
            Score s = p.score();
            if (s.videos() > 0 && s.undecodable().size() == s.videos())
                throw new ConfigException("domain '" + domain + "': none of its " + s.videos() + " test videos could be decoded (first: "
                        + s.undecodable().getFirst().error() + "); fix the files or point --domain at a good copy");
            if (!s.undecodable().isEmpty())
                System.err.println("eval: " + s.undecodable().size() + " of " + s.videos() + " test videos of " + domain
                        + " could not be decoded and count as wrong (first: " + s.undecodable().getFirst().error() + ")");
            out.put(domain, s);
        });
        return out;
    }

    /** At most {@code limit} clips of {@code d}, evenly spaced over its list (lists are often sorted by class). */
    public static Dataset subset(Dataset d, int limit) {
        if (limit <= 0 || d.size() <= limit) return d;
        List<ClipRecord> picked = new ArrayList<>();
        for (int i = 0; i < limit; i++) picked.add(d.clips().get((int) ((long) i * d.size() / limit)));
        return new Dataset(d.name(), d.classes(), picked);
    }
}
