package dovetail.migrator.source;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * A message's metadata from {@code UID FETCH (UID FLAGS INTERNALDATE RFC822.SIZE)}.
 *
 * @param uid the legacy UID
 * @param systemFlags flags with a backslash ("\Seen", "\Answered", ...), as sent; never "\Recent",
 *     which is session state, not message state (RFC 3501 2.3.2)
 * @param keywords the other flags, as sent
 * @param internalDate INTERNALDATE
 * @param rfc822Size RFC822.SIZE, or -1 when imapc_features lacks "rfc822.size". Only a hint: some
 *     servers (Exchange) report the stored size; the bytes delivered by fetchBodies win.
 * @param duplicates how many other messages a broken server listed under the same UID (other message numbers);
 *     0 from a sane one. This metadata is the first one listed.
 */
public record LegacyMessageInfo(
    long uid, Set<String> systemFlags, Set<String> keywords, Instant internalDate, long rfc822Size, int duplicates) {
  public static final long SIZE_UNKNOWN = -1;

  public LegacyMessageInfo {
    systemFlags = Set.copyOf(systemFlags);
    keywords = Set.copyOf(keywords);
    Objects.requireNonNull(internalDate, "internalDate");
  }

  public LegacyMessageInfo(long uid, Set<String> systemFlags, Set<String> keywords, Instant internalDate,
      long rfc822Size) {
    this(uid, systemFlags, keywords, internalDate, rfc822Size, 0);
  }

  LegacyMessageInfo withDuplicates(int count) {
    return new LegacyMessageInfo(uid, systemFlags, keywords, internalDate, rfc822Size, count);
  }
}
