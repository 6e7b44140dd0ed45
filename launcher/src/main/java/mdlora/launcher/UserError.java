package mdlora.launcher;

/** A mistake the user can fix (missing path, bad option, unknown domain): printed as one line, no stack trace. */
public final class UserError extends RuntimeException {
    public UserError(String message) {
        super(message);
    }

    public UserError(String message, Throwable cause) {
        super(message, cause);
    }
}
