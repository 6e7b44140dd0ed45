package mdlora.launcher;

import java.util.Set;

/** One subcommand of {@code mdlora}. */
public interface Command {
    /** The word typed after {@code mdlora}. */
    String name();

    /** One line for {@code mdlora --help}. */
    String summary();

    /** Full usage text for {@code mdlora NAME --help}. */
    String usage();

    /** The options that take a value, without dashes, for the shell completion script; none by default. */
    default Set<String> options() {
        return Set.of();
    }

    /**
     * Runs the command. Throws {@link UserError} for anything the user can fix (the launcher prints
     * its message on one line and exits non-zero); returns the process exit code otherwise.
     */
    int run(String[] args) throws Exception;
}
