package mdlora.launcher;

/** A mistake the user can fix (missing path, bad option, unknown domain): printed as one line, no stack trace. */
public final class UserError extends RuntimeException {
    public UserError(String message) {
        super(message);
    }

    public UserError(String message, Throwable cause) {
        super(message, cause);
    }

    /** {@code path}, checked to exist; {@code what} names it in the error. */
    public static java.nio.file.Path existing(java.nio.file.Path path, String what) {
        if (!java.nio.file.Files.exists(path)) throw new UserError(what + ": no such file or directory: " + path);
        return path;
    }
}
