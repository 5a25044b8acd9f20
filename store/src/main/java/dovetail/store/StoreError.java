package dovetail.store;

/** The closed set of store failures; each protocol maps them to its replies in one place. */
public enum StoreError {
  /** The folder or message does not exist. */
  NOT_FOUND,
  /**
   * A message the operation names is gone: another writer expunged it since the caller looked (a MOVE of it). The
   * operation changed nothing.
   */
  EXPUNGED,
  /** A folder with that name exists already. */
  ALREADY_EXISTS,
  /** The folder or user name cannot be stored (a '.' in a level, an empty level, path tricks). */
  INVALID_NAME,
  /** An explicit UID is below the folder's next UID, or UIDVALIDITY/UID values are out of range. */
  UID_CONFLICT,
  /** The folder already uses the 26 keyword letters that Maildir filenames offer. */
  KEYWORD_LIMIT,
  /** A control file (uidlist, keywords, subscriptions) is damaged in a way we refuse to guess about. */
  CORRUPT,
  /** The dovecot-uidlist.lock (or another dotlock) could not be taken in time. */
  LOCK_TIMEOUT,
  /** The file system failed. */
  IO,
  /**
   * The folder's directory is there, but the server's user may not look into it (its permissions): the folder exists,
   * and nothing in it can be read. Not {@link #NOT_FOUND}: a client told so drops its copy of the folder.
   */
  UNREADABLE
}
