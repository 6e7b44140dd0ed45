package mdlora.bench;

import java.util.List;

/**
 * One of the reference workloads of shared/reference/WORKLOADS.md, measured on mdlora. Adding a
 * workload is a class implementing this plus one line in {@link Bench}'s list.
 */
public interface Workload {
    /** The id the yardstick and the command line use: W1, W2, ... */
    String id();

    /** One line saying what is measured. */
    String description();

    /** Runs the work and returns its figures in the order they are printed. */
    List<Figure> run();
}
