package mdlora.launcher.data;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import mdlora.launcher.config.ConfigException;
import mdlora.launcher.config.Settings;
import mdlora.launcher.config.Suggest;

/**
 * The per-domain numbers of {@code --domain-sampling} and {@code --domain-loss-weights}, in the run's domain
 * order, checked against the run's domains: a name that is not a domain, a number that is not a finite
 * non-negative one, or a mix that leaves a domain no clips is an error naming the flag and the entry.
 */
public final class DomainWeights {
    /** The sampling modes {@code --domain-sampling} takes besides explicit weights. */
    public static final String UNIFORM = "uniform", PROPORTIONAL = "proportional";

    private DomainWeights() {}

    /**
     * How often each domain supplies a clip of a mixed batch, summing to 1; {@code sizes[d]} is domain d's
     * number of training clips.
     */
    public static double[] sampling(String spec, List<String> names, int[] sizes) {
        String flag = "train.domain_sampling (--domain-sampling)";
        double[] w = new double[names.size()];
        switch (spec.strip()) {
            case UNIFORM -> Arrays.fill(w, 1);
            case PROPORTIONAL -> {
                for (int d = 0; d < w.length; d++) w[d] = sizes[d];
            }
            default -> {
                if (!spec.contains("="))
                    throw new ConfigException(flag + " must be uniform, proportional or NAME=WEIGHT,..., got '" + spec + "'");
                Map<String, Double> given = parse(flag, List.of(spec.split(",")), names);
                for (String name : names)
                    if (!given.containsKey(name))
                        throw new ConfigException(flag + " names no weight for domain '" + name + "': give every domain one (" + String.join(", ", names) + ")");
                for (int d = 0; d < w.length; d++) w[d] = given.get(names.get(d));
            }
        }
        double total = 0;
        for (int d = 0; d < w.length; d++) {
            if (w[d] > 0 && sizes[d] == 0) throw new ConfigException("domain '" + names.get(d) + "' has no training clips, so " + flag + " cannot draw on it");
            total += w[d];
        }
        if (total <= 0) throw new ConfigException(flag + " gives every domain weight 0: no batch could be drawn");
        for (int d = 0; d < w.length; d++) w[d] /= total;
        return w;
    }

    /** Each domain's weight of the cross-entropy, 1 unless {@code --domain-loss-weights} names it. */
    public static float[] loss(Settings.Train train, List<String> names) {
        Map<String, Double> given = parse("train.domain_loss_weights (--domain-loss-weights)", train.domainLossWeights, names);
        float[] w = new float[names.size()];
        for (int d = 0; d < w.length; d++) w[d] = given.getOrDefault(names.get(d), 1.0).floatValue();
        return w;
    }

    private static Map<String, Double> parse(String flag, List<String> entries, List<String> names) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (String entry : entries) {
            int eq = entry.indexOf('=');
            if (eq <= 0) throw new ConfigException(flag + " entry '" + entry + "' must be NAME=NUMBER");
            String name = entry.substring(0, eq).strip();
            if (!names.contains(name))
                throw new ConfigException(flag + " entry '" + entry + "': no domain '" + name + "'" + Suggest.nearest(name, names, " (did you mean '%s'?)")
                        + "; this run's domains: " + String.join(", ", names));
            if (out.containsKey(name)) throw new ConfigException(flag + " names domain '" + name + "' twice");
            double v;
            try {
                v = Double.parseDouble(entry.substring(eq + 1).strip());
            } catch (NumberFormatException e) {
                throw new ConfigException(flag + " entry '" + entry + "': '" + entry.substring(eq + 1).strip() + "' is not a number");
            }
            if (!Double.isFinite(v) || v < 0)
                throw new ConfigException(flag + " entry '" + entry + "': the weight must be a finite number >= 0, got " + String.format(Locale.ROOT, "%s", v));
            out.put(name, v);
        }
        return out;
    }
}
