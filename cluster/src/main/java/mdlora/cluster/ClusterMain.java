package mdlora.cluster;

import java.util.ArrayList;
import java.util.List;
import mdlora.launcher.Main;
import mdlora.launcher.config.ConfigException;

/**
 * {@code mdlora train ... --cluster MASTER --workers N}: the train command with its steps computed on
 * Spark executors. {@code ./mdlora} runs this for a train command line that names {@code --cluster};
 * {@code spark-submit --class mdlora.cluster.ClusterMain} runs it on YARN or Kubernetes, where the
 * master may be left to spark-submit. Everything else of the command line is {@code mdlora train}'s.
 */
public final class ClusterMain {
    private ClusterMain() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs one {@code train} command line on a cluster and returns its exit code. */
    public static int run(String... args) {
        if (args.length == 0 || !args[0].equals("train")) {
            System.err.println("mdlora cluster: runs the train command only (mdlora train ... --cluster MASTER --workers N)");
            return 2;
        }
        List<String> rest = new ArrayList<>(List.of("train"));
        String master = System.getProperty("spark.master"), workers = null;
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--cluster") || a.equals("--workers")) {
                if (i + 1 == args.length) return fail(a + " needs a value");
                if (a.equals("--cluster")) master = args[++i];
                else workers = args[++i];
            } else if (a.startsWith("--cluster=")) {
                master = a.substring("--cluster=".length());
            } else if (a.startsWith("--workers=")) {
                workers = a.substring("--workers=".length());
            } else {
                rest.add(a);
            }
        }
        if (master == null) return fail("--cluster MASTER is missing (local[N], local-cluster[N,cores,memoryMiB], spark://host:7077, yarn, k8s://...)");
        if (workers == null) return fail("--workers N is missing: how many executors share each step");
        ClusterSettings settings;
        try {
            settings = new ClusterSettings(master, Integer.parseInt(workers));
        } catch (NumberFormatException e) {
            return fail("--workers takes a whole number, got '" + workers + "'");
        } catch (ConfigException e) {
            return fail(e.getMessage());
        }
        return Main.run((config, stop) -> {
            InterruptToStop.install(stop);
            return new ClusterCompute(settings, config);
        }, rest.toArray(String[]::new));
    }

    private static int fail(String message) {
        System.err.println("mdlora train: " + message);
        return 2;
    }
}
