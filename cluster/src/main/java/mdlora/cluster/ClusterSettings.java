package mdlora.cluster;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mdlora.launcher.config.ConfigException;
import org.apache.spark.SparkConf;

/**
 * Where a run's workers are: the Spark master and how many executors (one task each, every step).
 * Masters: {@code local[N]} (threads of this JVM; no retries, {@code local[N,F]} retries), {@code
 * local-cluster[N,cores,memoryMiB]} (real executor JVMs on this machine), {@code spark://host:7077},
 * {@code yarn}, {@code k8s://...}.
 *
 * @param master  the Spark master URL
 * @param workers executors, and ranks of every step's batch
 */
public record ClusterSettings(String master, int workers) {
    private static final Pattern LOCAL = Pattern.compile("local\\[(\\d+|\\*)(,\\d+)?]");
    private static final Pattern LOCAL_CLUSTER = Pattern.compile("local-cluster\\[(\\d+),\\s*(\\d+),\\s*(\\d+)]");

    public ClusterSettings {
        if (workers < 1) throw new ConfigException("--workers must be at least 1, got " + workers);
        if (!(LOCAL.matcher(master).matches() || LOCAL_CLUSTER.matcher(master).matches() || master.startsWith("spark://")
                || master.equals("yarn") || master.startsWith("k8s://")))
            throw new ConfigException("unknown --cluster master '" + master + "' (expected local[N], local-cluster[N,cores,memoryMiB], spark://host:port, yarn or k8s://...)");
        Matcher m = LOCAL_CLUSTER.matcher(master);
        if (m.matches() && Integer.parseInt(m.group(1)) < workers)
            throw new ConfigException(master + " starts " + m.group(1) + " executors, fewer than --workers " + workers);
    }

    /** Executors run in this JVM's threads. */
    boolean inProcess() {
        return master.startsWith("local[");
    }

    /** Executors are JVMs this machine starts (they need a Spark home; see {@link SparkHome}). */
    boolean localCluster() {
        return master.startsWith("local-cluster[");
    }

    /**
     * Cores of one executor, which its one task's engine uses: the master's for local-cluster, the
     * machine's split over the workers for local[N], else {@code spark.executor.cores} when set
     * (spark-submit's --executor-cores), else this machine's (clusters of like machines).
     */
    int coresPerWorker(SparkConf conf) {
        Matcher m = LOCAL_CLUSTER.matcher(master);
        if (m.matches()) return Integer.parseInt(m.group(2));
        int machine = Runtime.getRuntime().availableProcessors();
        if (inProcess()) return Math.max(1, machine / workers);
        return conf.getInt("spark.executor.cores", machine);
    }

    /** Executor memory of local-cluster (its third number, MiB), or null to leave Spark's setting. */
    String localClusterMemory() {
        Matcher m = LOCAL_CLUSTER.matcher(master);
        return m.matches() ? m.group(3) + "m" : null;
    }
}
