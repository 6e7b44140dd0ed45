package mdlora.autograd;

/**
 * Global switches of the engine, per thread: whether operations record a graph (see {@link #noGrad()}),
 * and whether every result and gradient is checked for NaN/Inf (anomaly detection).
 */
public final class Autograd {
    private static final ThreadLocal<boolean[]> GRAD_ENABLED = ThreadLocal.withInitial(() -> new boolean[] {true});
    private static volatile boolean detectAnomalies;

    private Autograd() {}

    /**
     * A scope in which no operation records a graph; close it (try-with-resources) to restore the previous state.
     *
     * @return the scope to close
     */
    public static NoGrad noGrad() {
        boolean[] flag = GRAD_ENABLED.get();
        boolean previous = flag[0];
        flag[0] = false;
        return () -> flag[0] = previous;
    }

    /**
     * A scope in which operations record a graph again (inside a {@link #noGrad()} scope, or a backward pass that recomputes).
     *
     * @return the scope; closing it restores the previous state
     */
    public static NoGrad enableGrad() {
        boolean[] flag = GRAD_ENABLED.get();
        boolean previous = flag[0];
        flag[0] = true;
        return () -> flag[0] = previous;
    }

    /**
     * Whether operations on this thread record a graph now.
     *
     * @return true when operations record a graph
     */
    public static boolean isGradEnabled() {
        return GRAD_ENABLED.get()[0];
    }

    /**
     * When on, every operation's result and every gradient is checked for NaN or infinity, and the first one
     * found raises an {@link ArithmeticException} naming the operation. Costs a pass over each tensor.
     *
     * @param on true to check every result and gradient, false to stop
     */
    public static void setAnomalyDetection(boolean on) {
        detectAnomalies = on;
    }

    /**
     * Whether anomaly detection is on (see {@link #setAnomalyDetection}).
     *
     * @return true when anomaly detection is on
     */
    public static boolean anomalyDetection() {
        return detectAnomalies;
    }

    /** The scope returned by {@link #noGrad()} and {@link #enableGrad()}. */
    @FunctionalInterface
    public interface NoGrad extends AutoCloseable {
        @Override
        void close();
    }
}
