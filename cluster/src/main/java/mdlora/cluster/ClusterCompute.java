package mdlora.cluster;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import mdlora.autograd.Variable;
import mdlora.launcher.config.Settings;
import mdlora.launcher.train.Evaluator;
import mdlora.launcher.train.MultiDomainJob;
import mdlora.launcher.train.StepCompute;
import mdlora.launcher.train.TrainingJob;
import mdlora.lora.MultiDomainLora;
import mdlora.tensor.Tensor;
import mdlora.tensor.io.Json;
import mdlora.video.TestViews;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * Synchronous data parallelism on Spark, from the driver: each step broadcasts the trainable weights
 * (only those: LoRA factors, mixers and heads), runs one task per worker, task k computing the gradient
 * sum of rows [kB/N, (k+1)B/N) of the step's planned batch, decoded by that task alone ({@link MultiDomainJob#shareGradients}), then adds
 * the shares in rank order, divides by the batch's clips, and adds the separation terms' gradient, which
 * depends on the weights alone and is computed here once. The optimiser, schedule, checkpoints and run
 * folder stay with the driver's {@code Trainer}. Evaluations are spread the same way: each task predicts
 * a share of the test videos and returns per-video probabilities, which the driver joins and scores, so the
 * multi-view protocol and mean class accuracy are exactly those of one process.
 */
public final class ClusterCompute implements StepCompute, AutoCloseable {
    /** What one task computes; a seam so that a test can fail a task's first attempt. */
    @FunctionalInterface
    interface ShareTask extends Serializable {
        Share compute(RunSpec spec, Weights weights, int step, int rank, int ranks);
    }

    private final ClusterSettings settings;
    private final JavaSparkContext spark;
    private final String configJson;
    private final int cores;
    private final ShareTask task;
    private RunSpec spec;
    private final List<Integer> ranks;
    private final Path scratch;

    /**
     * Starts the Spark application for a run of {@code config} (the resolved config, as its run folder
     * holds it). Settings it chooses, whatever the cluster's defaults: one task per executor at a time
     * using all the executor's cores, dynamic allocation off (a step needs all its workers at once),
     * executors on this JVM's JDK with the Vector API module.
     */
    public ClusterCompute(ClusterSettings settings, Settings config) {
        this(settings, config, Worker::share);
    }

    ClusterCompute(ClusterSettings settings, Settings config, ShareTask task) {
        this.settings = settings;
        this.configJson = Json.write(config.toJson());
        this.task = task;
        this.ranks = IntStream.range(0, settings.workers()).boxed().toList();
        try {
            this.scratch = Files.createTempDirectory("mdlora-cluster");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        SparkConf conf = conf(settings, scratch);
        this.cores = settings.coresPerWorker(conf);
        this.spark = new JavaSparkContext(conf);
        spark.setLogLevel("WARN");
    }

    static SparkConf conf(ClusterSettings settings, Path scratch) {
        SparkConf conf = new SparkConf(true).setAppName("mdlora train").setMaster(settings.master());
        int cores = settings.coresPerWorker(conf);
        conf.set("spark.dynamicAllocation.enabled", "false")
                .set("spark.executor.instances", Integer.toString(settings.workers()))
                .set("spark.executor.cores", Integer.toString(cores))
                .set("spark.task.cpus", Integer.toString(settings.inProcess() ? 1 : cores))
                .setIfMissing("spark.executorEnv.JAVA_HOME", System.getProperty("java.home"))
                .set("spark.executorEnv.SPARK_SCALA_VERSION", "2.13")
                .set("spark.executor.extraJavaOptions", (conf.get("spark.executor.extraJavaOptions", "")
                        + " --add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -XX:+UseParallelGC").strip())
                // tasks read no cached blocks: waiting for a "preferred" executor would only delay the step
                .set("spark.locality.wait", "0");
        if (settings.inProcess() || settings.localCluster()) conf.set("spark.ui.enabled", "false");
        if (settings.localCluster()) {
            SparkHome.prepareLocalCluster();
            conf.set("spark.executor.memory", settings.localClusterMemory());
        } else if (!settings.inProcess() && !conf.contains("spark.jars")) {
            conf.set("spark.jars", String.join(",", SparkHome.applicationJars(scratch)));
        }
        return conf;
    }

    @Override
    public TrainingJob.StepLoss lossWithGradients(MultiDomainJob job, int step) {
        Map<String, Variable> trainable = job.trainable();
        ShareTask t = task;
        List<Share> shares = onWorkers(job, "step " + (step + 1),
                (spec, w, n) -> spark.parallelize(ranks, n).map(rank -> t.compute(spec, w.value(), step, rank, n)).collect());
        shares = new ArrayList<>(shares);
        shares.sort(Comparator.comparingInt(Share::rank));
        int clips = shares.stream().mapToInt(Share::clips).sum();
        if (clips == 0) throw new IllegalStateException("no clip of step " + (step + 1) + "'s batch could be loaded");
        float ceSum = 0;
        for (Share s : shares) ceSum += s.ceSum();
        int i = 0;
        for (Variable p : trainable.values()) p.setGrad(sum(shares, i++, clips, p.shape()));
        MultiDomainLora.Separation separation = job.separation();
        if (separation.total().requiresGrad()) separation.total().backward();
        float ce = ceSum / clips, sep = separation.total().item();
        return new TrainingJob.StepLoss(Variable.constant(Tensor.scalar(ce + sep)), MultiDomainJob.parts(ce, separation));
    }

    /** Parameter {@code index}'s gradient: the shares' sums added in rank order, over {@code clips}; null when no share has one. */
    private static Tensor sum(List<Share> shares, int index, int clips, int[] shape) {
        float[] total = null;
        for (Share s : shares) {
            float[] g = s.gradients().values(index);
            if (g == null) continue;
            if (total == null) total = g.clone();
            else for (int j = 0; j < g.length; j++) total[j] += g[j];
        }
        if (total == null) return null;
        for (int j = 0; j < total.length; j++) total[j] /= clips;
        return Tensor.of(total, shape);
    }

    /** Each task predicts a consecutive share of every domain's test videos; the shares come back per video and are joined in rank order. */
    @Override
    public Map<String, Evaluator.Predictions> predict(MultiDomainJob job, int limit, TestViews views) {
        List<IndexedPredictions> shares = new ArrayList<>(onWorkers(job, "evaluation",
                (spec, w, n) -> spark.parallelize(ranks, n).map(rank -> new IndexedPredictions(rank, Worker.predict(spec, w.value(), rank, n, limit, views))).collect()));
        shares.sort(Comparator.comparingInt(IndexedPredictions::rank));
        return Worker.joined(shares.stream().map(IndexedPredictions::predictions).toList());
    }

    /** What evaluation task {@code rank} returns. */
    private record IndexedPredictions(int rank, LinkedHashMap<String, Evaluator.Predictions> predictions) implements Serializable {}

    private interface Job<T> {
        List<T> run(RunSpec spec, Broadcast<Weights> weights, int ranks) throws Exception;
    }

    /** Runs a Spark job over the ranks with the current weights broadcast; a failure is one line naming what failed. */
    private <T> List<T> onWorkers(MultiDomainJob driverJob, String what, Job<T> job) {
        Broadcast<Weights> weights = spark.broadcast(Weights.of(driverJob.trainable()));
        try {
            return job.run(spec(driverJob), weights, settings.workers());
        } catch (Exception e) { // Spark's exceptions, SparkException included, arrive undeclared
            throw new IllegalStateException("the cluster failed " + what + ": " + rootMessage(e), e);
        } finally {
            weights.destroy();
        }
    }

    /** What executors need to rebuild the run, fingerprinted on first use (the backbone is the driver job's). */
    private RunSpec spec(MultiDomainJob driverJob) {
        if (spec == null) spec = new RunSpec(configJson, Fingerprint.of(driverJob.model()), cores);
        return spec;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) t = t.getCause();
        String m = t.getMessage() == null ? t.getClass().getName() : t.getMessage();
        // a task's exception arrives as text inside Spark's message: keep its first line
        String first = e.getMessage() == null ? m : e.getMessage().lines().filter(l -> l.contains("Exception:")).findFirst().orElse(m);
        return first.strip();
    }

    @Override
    public void close() {
        spark.stop();
        try (var files = Files.walk(scratch)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a leftover temporary folder is harmless
        }
    }
}
