package mdlora.cluster;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import mdlora.autograd.Variable;
import mdlora.launcher.config.Settings;
import mdlora.launcher.train.Evaluator;
import mdlora.launcher.train.FineTuning;
import mdlora.launcher.train.MultiDomainJob;
import mdlora.launcher.train.StepCompute;
import mdlora.tensor.Parallel;
import mdlora.tensor.io.Json;
import mdlora.video.TestViews;

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

    /** The per-video predictions of each domain on share {@code rank} of {@code ranks} of its test videos, {@code views} per video. */
    static synchronized LinkedHashMap<String, Evaluator.Predictions> predict(RunSpec spec, Weights weights, int rank, int ranks, int limit, TestViews views) {
        return new LinkedHashMap<>(at(spec, weights).predictShare(rank, ranks, limit, views));
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

    /** Each domain's predictions on all its test videos: the ranks' shares ({@code perRank}, in rank order) joined, in the domains' order. */
    static Map<String, Evaluator.Predictions> joined(List<? extends Map<String, Evaluator.Predictions>> perRank) {
        Map<String, Evaluator.Predictions> out = new LinkedHashMap<>();
        for (String domain : perRank.getFirst().keySet())
            out.put(domain, Evaluator.Predictions.concat(perRank.stream().map(shares -> shares.get(domain)).toList()));
        return out;
    }
}
