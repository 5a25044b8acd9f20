package dovetail.conf;

/** The words of {@code pop3c_features} (Dovecot 2.3). */
public enum Pop3cFeature {
    NO_PIPELINING("no-pipelining");

    private final String configName;

    Pop3cFeature(String configName) {
        this.configName = configName;
    }

    /** The word in the configuration file. */
    public String configName() {
        return configName;
    }
}
