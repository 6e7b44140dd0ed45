package mdlora.cluster;

import mdlora.launcher.train.StopSignal;
import sun.misc.Signal;

/**
 * Ctrl-C (SIGINT) and SIGTERM for a cluster run: they ask the training loop to stop at the next step
 * boundary, as in one process, but without starting the JVM's shutdown. A shutdown would run Spark's
 * own hook, which stops the Spark context under the step in flight, so the step would fail instead of
 * finishing and being checkpointed. A second signal exits at once (the last checkpoint stays).
 */
final class InterruptToStop {
    private InterruptToStop() {}

    /** Routes INT and TERM to {@code stop}. */
    static void install(StopSignal stop) {
        for (String name : new String[] {"INT", "TERM"}) {
            Signal.handle(new Signal(name), signal -> {
                if (stop.requested()) {
                    System.err.println("\nmdlora: stopping now; the last checkpoint is kept");
                    System.exit(130);
                }
                System.err.println("\nmdlora: stopping at the next step boundary, saving a checkpoint first (Ctrl-C again to quit now)...");
                stop.request();
            });
        }
    }
}
