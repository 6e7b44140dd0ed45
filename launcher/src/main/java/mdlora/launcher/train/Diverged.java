package mdlora.launcher.train;

/**
 * The model produced a non-finite number (a NaN or infinite loss or logit): it has diverged, and nothing
 * computed from it may be scored or saved. The launcher prints the message as one line.
 */
public final class Diverged extends RuntimeException {
    public Diverged(String message) {
        super(message);
    }
}
