package mdlora.cluster;

import java.util.LinkedHashMap;
import java.util.Map;
import mdlora.autograd.Variable;
import java.util.Set;
import mdlora.launcher.config.Settings;
import mdlora.launcher.train.Evaluator;
import mdlora.launcher.train.FineTuning;
import mdlora.launcher.train.MultiDomainJob;
import mdlora.launcher.train.StepCompute;
import mdlora.tensor.Parallel;
import mdlora.tensor.io.Json;

/**
 * The executor side: one job per JVM, built on first use from the run's config (the backbone and the
 * data read from the shared filesystem, the backbone's fingerprint checked against the driver's) and kept
 * for every later task of the run. Built lazily because Spark may run any task, a retry included, on any
 * executor. A task is a pure function of (weights, seed, step, rank): it overwrites the trainable weights
 * with the broadcast ones and starts from cleared gradients, so a retried task returns the same bits.
 * Tasks in one JVM run one at a time (they share the model); each uses all the JVM's engine threads.
 */
final class Worker {
    private static Worker current;

    private final RunSpec spec;
    private final MultiDomainJob job;

    private Worker(RunSpec spec, MultiDomainJob job) {
        this.spec = spec;
        this.job = job;
    }

    /** The gradient share of {@code rank} of {@code ranks} of step {@code step}, at {@code weights}. */
    static synchronized Share share(RunSpec spec, Weights weights, int step, int rank, int ranks) {
        MultiDomainJob job = at(spec, weights);
        MultiDomainJob.Share s = job.shareGradients(step, rank, ranks);
        return new Share(rank, s.clips(), s.ceSum(), Weights.gradients(job.trainable()));
    }

    /** Clips, top-1 and top-5 hits per domain on share {@code rank} of {@code ranks} of the test clips. */
    static synchronized LinkedHashMap<String, int[]> evaluate(RunSpec spec, Weights weights, int rank, int ranks, int limit) {
        LinkedHashMap<String, int[]> counts = new LinkedHashMap<>();
        at(spec, weights).evaluateShare(rank, ranks, limit).forEach((d, s) -> counts.put(d, new int[] {s.clips(), s.top1(), s.top5()}));
        return counts;
    }

    /** This JVM's job for {@code spec}, with {@code weights} and no gradients. */
    private static MultiDomainJob at(RunSpec spec, Weights weights) {
        if (current == null || !current.spec.equals(spec)) {
            if (current != null) current.job.close();
            current = null;
            current = build(spec);
        }
        Map<String, Variable> trainable = current.job.trainable();
        weights.applyTo(trainable);
        trainable.values().forEach(Variable::zeroGrad);
        return current.job;
    }

    private static Worker build(RunSpec spec) {
        Parallel.setThreads(spec.threads());
        Settings config = new Settings().withJson(Json.parseObject(spec.configJson()), Set.of());
        MultiDomainJob job = FineTuning.prepare(config).job(StepCompute.LOCAL);
        String fingerprint = Fingerprint.of(job.model());
        if (!fingerprint.equals(spec.fingerprint())) {
            job.close();
            throw new IllegalStateException("the backbone this executor read (" + config.model.backbone + ", fingerprint "
                    + fingerprint.substring(0, 19) + ") differs from the driver's (" + spec.fingerprint().substring(0, 19)
                    + "): every machine must see the same backbone file on the shared filesystem");
        }
        return new Worker(spec, job);
    }

    /** Per-domain scores from the summed counts of all ranks, in the domains' order. */
    static Map<String, Evaluator.Score> scores(Iterable<? extends Map<String, int[]>> perRank) {
        Map<String, int[]> sum = new LinkedHashMap<>();
        for (Map<String, int[]> counts : perRank)
            counts.forEach((d, c) -> sum.merge(d, c.clone(), (a, b) -> new int[] {a[0] + b[0], a[1] + b[1], a[2] + b[2]}));
        Map<String, Evaluator.Score> out = new LinkedHashMap<>();
        sum.forEach((d, c) -> out.put(d, new Evaluator.Score(c[0], c[1], c[2])));
        return out;
    }
}
