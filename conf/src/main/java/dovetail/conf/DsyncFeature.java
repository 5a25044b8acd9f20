package dovetail.conf;

/** The words of {@code dsync_features} (Dovecot 2.3). */
public enum DsyncFeature {
    /** The legacy server may return empty headers (Zimbra): do not treat that as a changed message. */
    EMPTY_HEADER_WORKAROUND("empty-header-workaround"),
    NO_HEADER_HASHES("no-header-hashes");

    private final String configName;

    DsyncFeature(String configName) {
        this.configName = configName;
    }

    /** The word in the configuration file. */
    public String configName() {
        return configName;
    }
}
