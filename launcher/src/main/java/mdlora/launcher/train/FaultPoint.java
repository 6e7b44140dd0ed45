package mdlora.launcher.train;

/**
 * Named moments of a training run where a fault-injection test kills the process (kill -9) to show that a
 * resume still equals the uninterrupted run. Started with the system property
 * {@code -Dmdlora.stopAt=NAME@STEP}, a run that reaches that point prints {@code mdlora: stopped at NAME@STEP}
 * on standard error and waits there until it is killed, so the test kills it at exactly that moment rather
 * than after a guessed delay. Without the property (every real run) a point does nothing. The points:
 * {@code step} (gradients of that step computed, the update not applied), {@code checkpoint} (the previous
 * checkpoint moved aside, the new one not yet written), {@code final-evaluation} (the final checkpoint
 * written, the final evaluation and eval.json not yet).
 */
final class FaultPoint {
    private static final String STOP_AT = System.getProperty("mdlora.stopAt", "");

    private FaultPoint() {}

    /** Waits here for the kill when the run was started to stop at {@code name} of {@code step}. */
    static void reach(String name, int step) {
        if (STOP_AT.isEmpty() || !STOP_AT.equals(name + "@" + step)) return;
        System.err.println("mdlora: stopped at " + STOP_AT + " (mdlora.stopAt), waiting to be killed");
        System.err.flush();
        while (true) {
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
                // only the kill the test sends ends the wait
            }
        }
    }
}
