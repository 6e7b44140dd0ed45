package mdlora.launcher.train;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C (SIGINT/SIGTERM) during training: a shutdown hook raises a flag and then holds the JVM open
 * until the training loop, at its next step boundary, has written a checkpoint and called
 * {@link #close()} (at most {@value #GRACE_S} seconds, after which the JVM exits anyway).
 */
public final class StopSignal implements AutoCloseable {
    static final int GRACE_S = 120;

    private volatile boolean requested;
    private final CountDownLatch saved = new CountDownLatch(1);
    private final Thread hook = new Thread(this::onShutdown, "mdlora-stop");
    private boolean hookInstalled;

    private StopSignal() {}

    /** A signal with the shutdown hook installed. */
    public static StopSignal install() {
        StopSignal s = new StopSignal();
        Runtime.getRuntime().addShutdownHook(s.hook);
        s.hookInstalled = true;
        return s;
    }

    /** A signal that only {@link #request()} raises (tests, and the experiment grid's inner runs). */
    public static StopSignal manual() {
        return new StopSignal();
    }

    private void onShutdown() {
        requested = true;
        System.err.println("\nmdlora: stopping at the next step boundary, saving a checkpoint first...");
        try {
            saved.await(GRACE_S, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Asks the loop to stop at the next step boundary. */
    public void request() {
        requested = true;
    }

    public boolean requested() {
        return requested;
    }

    /** The loop has saved what it must: lets a pending shutdown proceed, and removes the hook. */
    @Override
    public void close() {
        saved.countDown();
        if (hookInstalled) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is already exiting; the hook has run or is running
            }
        }
        hookInstalled = false;
    }
}
