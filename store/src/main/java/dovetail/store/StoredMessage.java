package dovetail.store;

import java.time.Instant;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * One message as the store sees it after a sync. A value: equal when every component but the date is; the date is
 * the mtime of the file that {@code baseName} names, and comparing, hashing or printing a message must not stat a
 * file or take its folder's lock (review 17, R6), so they leave a date not yet read alone.
 *
 * <p>The INTERNALDATE of a Maildir message is its file's mtime, which only a stat tells: a folder's view made for a
 * SELECT of 100,000 messages spent a fifth of its time stat-ing files whose date nobody asked for
 * (bench/README.md, cold SELECT). So the store may give the date as a {@link Supplier}, asked once, on first use.
 *
 * @param size the physical size in bytes (`,S=`)
 * @param virtualSize RFC822.SIZE: the size with every bare LF counted as CRLF (`,W=`)
 * @param pop3Uidl the stored `P` value: null when absent, "" when present and empty; the effective POP3 UIDL is
 *     {@link #effectivePop3Uidl()}
 * @param pop3Order the `O` value, 0 when absent
 * @param guid the `G` value, or the base filename when absent (as Dovecot does)
 * @param baseName the filename up to the first ':' (includes ,S= and ,W=)
 */
public final class StoredMessage {
  private final long uid;
  private final Flags flags;
  /** The date once known; null while {@link #dateSource} has not been asked (or when the date is null). */
  private volatile Instant internalDate;
  /** Asked for the date on first use, then dropped; null when the date was given. */
  private volatile Supplier<Instant> dateSource;
  private final long size;
  private final long virtualSize;
  private final String pop3Uidl;
  private final long pop3Order;
  private final String guid;
  private final String baseName;

  public StoredMessage(long uid, Flags flags, Instant internalDate, long size, long virtualSize, String pop3Uidl,
      long pop3Order, String guid, String baseName) {
    this(uid, flags, internalDate, null, size, virtualSize, pop3Uidl, pop3Order, guid, baseName);
  }

  private StoredMessage(long uid, Flags flags, Instant internalDate, Supplier<Instant> dateSource, long size,
      long virtualSize, String pop3Uidl, long pop3Order, String guid, String baseName) {
    this.uid = uid;
    this.flags = flags;
    this.internalDate = internalDate;
    this.dateSource = dateSource;
    this.size = size;
    this.virtualSize = virtualSize;
    this.pop3Uidl = pop3Uidl;
    this.pop3Order = pop3Order;
    this.guid = guid;
    this.baseName = baseName;
  }

  /** As the constructor, with the date read by {@code dateSource} on first use (from any thread). */
  public static StoredMessage withDateOnUse(long uid, Flags flags, Supplier<Instant> dateSource, long size,
      long virtualSize, String pop3Uidl, long pop3Order, String guid, String baseName) {
    return new StoredMessage(uid, flags, null, Objects.requireNonNull(dateSource), size, virtualSize, pop3Uidl, pop3Order,
        guid, baseName);
  }

  public long uid() {
    return uid;
  }

  public Flags flags() {
    return flags;
  }

  public Instant internalDate() {
    Instant date = internalDate;
    if (date != null) {
      return date;
    }
    // No lock: the source may take the folder's; two threads at once both ask it, and get the same answer.
    Supplier<Instant> source = dateSource;
    if (source == null) {
      return internalDate; // given as null, or set by another thread meanwhile (it is written first)
    }
    date = source.get();
    internalDate = date;
    dateSource = null;
    return date;
  }

  /** The date if it is known without asking its source (no stat), else null. */
  public Instant knownInternalDate() {
    return internalDate;
  }

  public long size() {
    return size;
  }

  public long virtualSize() {
    return virtualSize;
  }

  public String pop3Uidl() {
    return pop3Uidl;
  }

  public long pop3Order() {
    return pop3Order;
  }

  public String guid() {
    return guid;
  }

  public String baseName() {
    return baseName;
  }

  /** The UIDL a POP3 server shows when the record has a `P`: its value, or the base filename when it is empty. */
  public String effectivePop3Uidl() {
    if (pop3Uidl == null) {
      return null;
    }
    return pop3Uidl.isEmpty() ? baseName : pop3Uidl;
  }

  @Override
  public boolean equals(Object o) {
    return o == this || o instanceof StoredMessage m && uid == m.uid && size == m.size && virtualSize == m.virtualSize
        && pop3Order == m.pop3Order && Objects.equals(flags, m.flags) && Objects.equals(pop3Uidl, m.pop3Uidl)
        && Objects.equals(guid, m.guid) && Objects.equals(baseName, m.baseName);
  }

  @Override
  public int hashCode() {
    return Objects.hash(uid, flags, size, virtualSize, pop3Uidl, pop3Order, guid, baseName);
  }

  @Override
  public String toString() {
    Instant date = internalDate;
    return "StoredMessage[uid=" + uid + ", flags=" + flags + ", internalDate=" + (date != null || dateSource == null
        ? date : "(not read)") + ", size=" + size
        + ", virtualSize=" + virtualSize + ", pop3Uidl=" + pop3Uidl + ", pop3Order=" + pop3Order + ", guid=" + guid
        + ", baseName=" + baseName + "]";
  }
}
