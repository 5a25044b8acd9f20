package dovetail.store;

import java.time.Instant;

/**
 * What a new message carries besides its bytes.
 *
 * @param uid the UID to store it under (migration), or 0 for the folder's next UID (APPEND, delivery)
 * @param internalDate INTERNALDATE; kept as the file's mtime, whole seconds
 * @param pop3Uidl the POP3 UIDL (`P` in the uidlist); null for none, "" for "the base filename"
 * @param pop3Order the POP3 position (`O` in the uidlist); 0 for none
 */
public record MessageMeta(long uid, Instant internalDate, Flags flags, String pop3Uidl, long pop3Order) {
  public MessageMeta {
    if (uid < 0 || uid > Uids.MAX_UID) {
      throw new StoreException(StoreError.UID_CONFLICT, "UID out of range: " + uid);
    }
    if (internalDate == null) {
      throw new IllegalArgumentException("internalDate is required");
    }
    flags = flags == null ? Flags.NONE : flags;
    if (pop3Uidl != null && pop3Uidl.chars().anyMatch(c -> c <= ' ' || c >= 0x7f)) {
      throw new StoreException(StoreError.INVALID_NAME, "POP3 UIDL must be printable ASCII without spaces: " + pop3Uidl);
    }
    if (pop3Order < 0) {
      throw new IllegalArgumentException("pop3Order must be >= 0");
    }
  }

  /** A message that takes the folder's next UID. */
  public static MessageMeta next(Instant internalDate, Flags flags) {
    return new MessageMeta(0, internalDate, flags, null, 0);
  }

  /** A message stored under an explicit UID, as migration does. */
  public static MessageMeta withUid(long uid, Instant internalDate, Flags flags) {
    return new MessageMeta(uid, internalDate, flags, null, 0);
  }

  public MessageMeta withPop3(String uidl, long order) {
    return new MessageMeta(uid, internalDate, flags, uidl, order);
  }
}
