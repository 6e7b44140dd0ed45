package mdlora.launcher.config;

/**
 * A setting the user can fix, or a file a setting names that cannot be used: unknown key, wrong type,
 * value out of range, missing dataset, a checkpoint that does not fit the configured model. The launcher
 * prints its message as one line.
 */
public final class ConfigException extends IllegalArgumentException {
    public ConfigException(String message) {
        super(message);
    }
}
