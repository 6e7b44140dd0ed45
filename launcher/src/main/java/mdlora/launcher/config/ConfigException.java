package mdlora.launcher.config;

/** A config file or override that is not a valid setting: unknown key, wrong type, value out of range. */
public final class ConfigException extends IllegalArgumentException {
    public ConfigException(String message) {
        super(message);
    }
}
