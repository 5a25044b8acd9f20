package dovetail.store;

import java.time.Instant;

/**
 * One message as the store sees it after a sync.
 *
 * @param size the physical size in bytes (`,S=`)
 * @param virtualSize RFC822.SIZE: the size with every bare LF counted as CRLF (`,W=`)
 * @param pop3Uidl the stored `P` value: null when absent, "" when present and empty
 * @param pop3Uidl the effective POP3 UIDL is {@link #effectivePop3Uidl()}
 * @param pop3Order the `O` value, 0 when absent
 * @param guid the `G` value, or the base filename when absent (as Dovecot does)
 * @param baseName the filename up to the first ':' (includes ,S= and ,W=)
 */
public record StoredMessage(
    long uid,
    Flags flags,
    Instant internalDate,
    long size,
    long virtualSize,
    String pop3Uidl,
    long pop3Order,
    String guid,
    String baseName) {

  /** The UIDL a POP3 server shows when the record has a `P`: its value, or the base filename when it is empty. */
  public String effectivePop3Uidl() {
    if (pop3Uidl == null) {
      return null;
    }
    return pop3Uidl.isEmpty() ? baseName : pop3Uidl;
  }
}
