package mdlora.launcher.data;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import mdlora.launcher.config.ConfigException;
import mdlora.launcher.config.Settings;
import mdlora.tensor.Rng;
import mdlora.video.Dataset;
import mdlora.video.Loader;

/**
 * Which clips make up the batch of each training step: a pure function of the seed and the step, so that a
 * resumed run, and every worker of a data-parallel one, draws exactly the batches of an uninterrupted run.
 *
 * <p>Each domain has its own endless stream of clips: its list reshuffled every pass (the order of domain d's
 * pass e fixed by the seed, d and e), so within a domain every clip comes once before any comes again, and the
 * k-th clip drawn from a domain has augmentation seed (seed, d, k). A <em>mixed</em> batch draws each of its
 * clips' domains at random with the sampling weights, then takes each domain's next clips from its stream;
 * how far each stream has got by step s is found by replaying the domain draws of the steps before (random
 * numbers only, no decoding: microseconds per step). A <em>per-domain</em> batch takes the next {@code batch}
 * clips of every domain's stream, domain after domain.
 */
public final class StepPlan {
    private static final long DOMAIN_DRAWS = 0x5DEECE66DL, ORDER = 0x2545F4914F6CDD1DL, CLIP = 0x9E3779B97F4A7C15L, RETRY = 0xD1B54A32D192ED03L;

    private final List<Dataset> domains;
    private final double[] cumulative;
    private final int batch;
    private final long seed;
    private final Map<Long, int[]> orders = new HashMap<>();
    /** Clips drawn from each domain in the steps before {@link #countedStep} (mixed batches). */
    private long[] drawn;
    private int countedStep;

    /**
     * @param sampling how often each domain supplies a clip of a mixed batch (summing to 1), or null for per-domain batches
     */
    public StepPlan(List<Dataset> domains, double[] sampling, int batch, long seed) {
        this.domains = List.copyOf(domains);
        this.batch = batch;
        this.seed = seed;
        this.cumulative = sampling == null ? null : cumulative(sampling);
        this.drawn = new long[domains.size()];
        if (perEpoch() == 0)
            throw new ConfigException("the training set has " + totalClips() + " clips, fewer than one step's batch of " + clipsPerStep() + "; lower --batch");
    }

    /** The plan of a run's {@code train.*} settings over its training clips; a setting that does not fit the data is an error naming it. */
    public static StepPlan of(Settings.Train train, List<Dataset> domains, List<String> names) {
        int[] sizes = domains.stream().mapToInt(Dataset::size).toArray();
        if (train.domainBatches == Settings.DomainBatches.PER_DOMAIN) {
            if (!train.domainSampling.strip().equals(DomainWeights.UNIFORM))
                throw new ConfigException("train.domain_sampling (--domain-sampling) applies to mixed batches; per-domain batches (--domain-batches per-domain) "
                        + "take --batch clips of every domain each step");
            for (int d = 0; d < sizes.length; d++)
                if (sizes[d] < train.batch)
                    throw new ConfigException("domain '" + names.get(d) + "' has " + sizes[d] + " training clips, fewer than the --batch " + train.batch
                            + " that per-domain batches take from every domain each step; lower --batch or use mixed batches");
            return new StepPlan(domains, null, train.batch, train.seed);
        }
        return new StepPlan(domains, DomainWeights.sampling(train.domainSampling, names, sizes), train.batch, train.seed);
    }

    private static double[] cumulative(double[] p) {
        double[] c = new double[p.length];
        double sum = 0;
        int last = 0;
        for (int d = 0; d < p.length; d++) {
            c[d] = sum += p[d];
            if (p[d] > 0) last = d;
        }
        c[last] = Double.POSITIVE_INFINITY; // a draw just below 1 lands in the last domain with weight whatever the rounding of the sum
        return c;
    }

    /** Clips in one step's batch (before any that fail to load drop out). */
    public int clipsPerStep() {
        return cumulative == null ? batch * domains.size() : batch;
    }

    /** Steps in one epoch: as many as take as many clips as the training set holds. */
    public int perEpoch() {
        return (int) (totalClips() / clipsPerStep());
    }

    private long totalClips() {
        return domains.stream().mapToLong(Dataset::size).sum();
    }

    /** The clips of step {@code step}'s batch, in batch order. */
    public List<Loader.Slot> slots(int step) {
        List<Loader.Slot> slots = new ArrayList<>(clipsPerStep());
        if (cumulative == null) {
            for (int d = 0; d < domains.size(); d++)
                for (int j = 0; j < batch; j++) slots.add(slot(d, (long) step * batch + j));
            return slots;
        }
        long[] next = drawnBefore(step).clone();
        for (int d : domainDraws(step)) slots.add(slot(d, next[d]++));
        return slots;
    }

    /**
     * A fresh draw for step {@code step} when none of its planned clips could be loaded ({@code attempt} 1, 2, ...):
     * the same domains, each clip drawn at random from its domain (a pure function of seed, step and attempt).
     */
    public List<Loader.Slot> retry(int step, int attempt) {
        Rng rng = new Rng(mix(seed, RETRY, step, attempt));
        List<Loader.Slot> slots = new ArrayList<>();
        for (Loader.Slot s : slots(step)) {
            Dataset ds = domains.get(s.domain());
            slots.add(new Loader.Slot(s.domain(), ds.clips().get(rng.nextInt(ds.size())), mix(seed, RETRY, step, attempt, slots.size())));
        }
        return slots;
    }

    /** The domain of each clip of mixed step {@code step}. */
    int[] domainDraws(int step) {
        Rng rng = new Rng(mix(seed, DOMAIN_DRAWS, step));
        int[] out = new int[batch];
        for (int j = 0; j < batch; j++) {
            double u = rng.nextDouble();
            int d = 0;
            while (u >= cumulative[d]) d++;
            out[j] = d;
        }
        return out;
    }

    private long[] drawnBefore(int step) {
        if (step < countedStep) {
            drawn = new long[domains.size()];
            countedStep = 0;
        }
        for (; countedStep < step; countedStep++) for (int d : domainDraws(countedStep)) drawn[d]++;
        return drawn;
    }

    /** The k-th clip of domain d's stream. */
    private Loader.Slot slot(int d, long k) {
        Dataset ds = domains.get(d);
        int n = ds.size();
        long pass = k / n;
        int[] order = order(d, pass);
        return new Loader.Slot(d, ds.clips().get(order[(int) (k % n)]), mix(seed, CLIP, d, k));
    }

    /** The order of domain d's clips in pass {@code pass} (a few passes kept: a batch may straddle two). */
    private int[] order(int d, long pass) {
        long key = pass * domains.size() + d;
        int[] order = orders.get(key);
        if (order != null) return order;
        if (orders.size() >= 4 * domains.size()) orders.clear();
        order = new int[domains.get(d).size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Rng rng = new Rng(mix(seed, ORDER, d, pass));
        for (int i = order.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1), t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        orders.put(key, order);
        return order;
    }

    /** A 64-bit hash of the parts (SplitMix64's finaliser, chained): independent streams for distinct parts. */
    static long mix(long... parts) {
        long h = 0;
        for (long p : parts) {
            long z = h ^ (p + 0x9E3779B97F4A7C15L);
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            h = z ^ (z >>> 31);
        }
        return h;
    }
}
