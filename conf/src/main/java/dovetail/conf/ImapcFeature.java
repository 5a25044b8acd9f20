package dovetail.conf;

/** The words of {@code imapc_features} (Dovecot 2.3), except {@code throttle:INIT:MAX:SHRINK-MIN}. */
public enum ImapcFeature {
    RFC822_SIZE("rfc822.size"),
    GUID_FORCED("guid-forced"),
    FETCH_HEADERS("fetch-headers"),
    GMAIL_MIGRATION("gmail-migration"),
    SEARCH("search"),
    ZIMBRA_WORKAROUNDS("zimbra-workarounds"),
    NO_EXAMINE("no-examine"),
    PROXYAUTH("proxyauth"),
    FETCH_MSN_WORKAROUNDS("fetch-msn-workarounds"),
    FETCH_FIX_BROKEN_MAILS("fetch-fix-broken-mails"),
    MODSEQ("modseq"),
    DELAY_LOGIN("delay-login"),
    FETCH_BODYSTRUCTURE("fetch-bodystructure"),
    SEND_ID("send-id"),
    FETCH_EMPTY_IS_EXPUNGED("fetch-empty-is-expunged"),
    NO_MSN_UPDATES("no-msn-updates"),
    ACL("acl"),
    NO_QRESYNC("no-qresync");

    private final String configName;

    ImapcFeature(String configName) {
        this.configName = configName;
    }

    /** The word in the configuration file. */
    public String configName() {
        return configName;
    }
}
