package mdlora.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import mdlora.launcher.config.Settings;
import mdlora.launcher.train.Evaluator;
import mdlora.launcher.train.FineTuning;
import mdlora.launcher.train.MultiDomainJob;
import mdlora.launcher.train.StepCompute;
import mdlora.video.TestViews;
import org.apache.spark.TaskContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data parallelism on Spark equals one process: N workers each taking B/N rows of a step's batch give
 * the weights one process gets with the whole batch B, in executor threads and in executor JVMs; a run
 * stopped and resumed on the cluster equals the uninterrupted one; a retried task changes nothing.
 */
class ClusterTrainingTest {
    private static final int STEPS = 3, BATCH = 4;

    @TempDir
    static Path dir;
    private static TinyRun.Workspace workspace;
    private static Map<String, float[]> oneProcess;
    private static FineTuning.Outcome oneProcessOutcome;

    @BeforeAll
    static void trainInOneProcess() throws Exception {
        workspace = TinyRun.Workspace.make(dir);
        oneProcessOutcome = TinyRun.train(config(), dir.resolve("one-process"), 0, StepCompute.LOCAL);
        oneProcess = TinyRun.weights(dir.resolve("one-process"));
    }

    private static Settings config() {
        return workspace.config(BATCH, STEPS);
    }

    @Test
    void twoWorkerThreadsEqualOneProcessWithTheWholeBatch() throws Exception {
        Path run = dir.resolve("local");
        FineTuning.Outcome outcome = TinyRun.trainOnCluster(config(), run, 0, new ClusterSettings("local[2]", 2));
        assertEquals(STEPS, outcome.result().steps());
        double difference = TinyRun.maxRelativeDifference(TinyRun.weights(run), oneProcess);
        assertTrue(difference < 1e-5, "weights differ by " + difference + " (relative)");
        // the evaluation ran on the workers too: the same per-domain scores as one process's
        assertEquals(oneProcessOutcome.scores(), outcome.scores());
    }

    @Test
    void clusterEvaluationWithSeveralViewsEqualsOneProcess() throws Exception {
        TestViews views = new TestViews(2, 3);
        try (MultiDomainJob job = FineTuning.prepare(config()).job(StepCompute.LOCAL);
             ClusterCompute cluster = new ClusterCompute(new ClusterSettings("local[2]", 2), config())) {
            Map<String, Evaluator.Predictions> local = StepCompute.LOCAL.predict(job, 0, views), spread = cluster.predict(job, 0, views);
            assertEquals(local.keySet(), spread.keySet());
            local.forEach((domain, p) -> {
                Evaluator.Predictions q = spread.get(domain);
                assertEquals(p.videos(), q.videos(), domain);
                assertArrayEquals(p.labels(), q.labels(), domain);
                for (int i = 0; i < p.probabilities().length; i++) assertArrayEquals(p.probabilities()[i], q.probabilities()[i], 1e-6f, domain + " video " + i);
            });
            assertEquals(Evaluator.score(local), Evaluator.score(spread), "top-1, top-5 and mean class accuracy");
        }
    }

    @Test
    void twoExecutorJvmsEqualOneProcessWithTheWholeBatch() throws Exception {
        Path run = dir.resolve("local-cluster");
        TinyRun.trainOnCluster(config(), run, 0, new ClusterSettings("local-cluster[2,1,1024]", 2));
        double difference = TinyRun.maxRelativeDifference(TinyRun.weights(run), oneProcess);
        assertTrue(difference < 1e-5, "weights differ by " + difference + " (relative)");
    }

    @Test
    void stoppedAndResumedClusterRunEqualsTheUninterruptedOne() throws Exception {
        Path whole = dir.resolve("whole"), parts = dir.resolve("parts");
        ClusterSettings local = new ClusterSettings("local[2]", 2);
        TinyRun.trainOnCluster(config(), whole, 0, local);
        FineTuning.Outcome stopped = TinyRun.trainOnCluster(config(), parts, 2, local);
        assertTrue(stopped.result().stopped());
        assertEquals(2, stopped.result().steps());
        TinyRun.trainOnCluster(config(), parts, 0, local);
        Map<String, float[]> a = TinyRun.checkpoint(whole), b = TinyRun.checkpoint(parts);
        assertEquals(a.keySet(), b.keySet());
        a.forEach((name, values) -> assertArrayEquals(values, b.get(name), name));
        assertEquals(Files.readString(whole.resolve("metrics.jsonl")), Files.readString(parts.resolve("metrics.jsonl")));
    }

    /** Shares of per-domain batches weigh each row as the whole batch does, so the domains' loss weights survive the split by rows. */
    @Test
    void perDomainBatchesWithLossWeightsSplitOverWorkersEqualOneProcess() throws Exception {
        Settings weighted = workspace.config(2, 2);
        weighted.train.domainBatches = Settings.DomainBatches.PER_DOMAIN;
        weighted.train.domainLossWeights = java.util.List.of(mdlora.video.SyntheticVideos.domainNames().getFirst() + "=3");
        TinyRun.train(weighted, dir.resolve("weighted-one"), 0, StepCompute.LOCAL);
        TinyRun.trainOnCluster(weighted, dir.resolve("weighted-two"), 0, new ClusterSettings("local[2]", 2));
        double difference = TinyRun.maxRelativeDifference(TinyRun.weights(dir.resolve("weighted-two")), TinyRun.weights(dir.resolve("weighted-one")));
        assertTrue(difference < 1e-5, "weights differ by " + difference + " (relative)");
    }

    /** Failures injected by {@link #failingFirstAttempt}; the tasks run in this JVM (local mode). */
    private static final AtomicInteger FAILURES = new AtomicInteger();

    @Test
    void aTaskFailedOnItsFirstAttemptGivesTheSameWeights() throws Exception {
        Path run = dir.resolve("retried");
        FAILURES.set(0);
        // local[2,2]: two threads, and a task may fail twice (plain local[N] never retries)
        try (ClusterCompute compute = new ClusterCompute(new ClusterSettings("local[2,2]", 2), config(), failingFirstAttempt())) {
            TinyRun.train(config(), run, 0, compute);
        }
        assertEquals(1, FAILURES.get());
        double difference = TinyRun.maxRelativeDifference(TinyRun.weights(run), oneProcess);
        assertTrue(difference < 1e-5, "weights differ by " + difference + " (relative)");
    }

    /** Rank 1's task of step 2 fails on its first attempt, after computing its share (so the worker's state is dirty). */
    private static ClusterCompute.ShareTask failingFirstAttempt() {
        return (spec, weights, step, rank, ranks) -> {
            Share share = Worker.share(spec, weights, step, rank, ranks);
            if (step == 1 && rank == 1 && TaskContext.get().attemptNumber() == 0) {
                FAILURES.incrementAndGet();
                throw new IllegalStateException("failed on purpose");
            }
            return share;
        };
    }
}
