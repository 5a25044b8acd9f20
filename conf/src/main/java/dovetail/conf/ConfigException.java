package dovetail.conf;

/**
 * A mistake in the configuration. The message is one line meant for the operator, in the form
 * {@code <file>:<line>: <key>: <what was expected, and what was found>} (or {@code -o <key>: ...}
 * for a command-line override). Print {@link #getMessage()}; there is no useful stack trace.
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message, null, false, false);
    }

    static ConfigException at(Origin origin, String key, String detail) {
        return new ConfigException(origin.prefix(key) + detail);
    }
}
