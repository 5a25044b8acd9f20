package dovetail.proxy.imap;

import java.util.Arrays;
import java.util.Collection;

/**
 * The UIDs a client knows, in ascending order: message sequence number n is the n-th of them (RFC 3501 §2.3.1.2).
 * Not thread-safe; {@link FolderView} guards it.
 */
final class UidSequence {
  private long[] uids = new long[16];
  private int size;

  int size() {
    return size;
  }

  /** The sequence number of {@code uid}, or 0 if the client does not know it. */
  int msn(long uid) {
    int at = Arrays.binarySearch(uids, 0, size, uid);
    return at >= 0 ? at + 1 : 0;
  }

  /** The UID at sequence number {@code msn}, or 0 if there is none. */
  long uid(int msn) {
    return msn >= 1 && msn <= size ? uids[msn - 1] : 0;
  }

  boolean contains(long uid) {
    return msn(uid) > 0;
  }

  /** Adds UIDs not yet known; new mail has higher UIDs than all before it, so this is normally an append. */
  void addAll(Collection<Long> added) {
    for (long uid : added) {
      int at = Arrays.binarySearch(uids, 0, size, uid);
      if (at >= 0) {
        continue;
      }
      int insert = -at - 1;
      if (size == uids.length) {
        uids = Arrays.copyOf(uids, size * 2);
      }
      System.arraycopy(uids, insert, uids, insert + 1, size - insert);
      uids[insert] = uid;
      size++;
    }
  }

  /** Removes {@code uid} and answers the sequence number it had, or 0 if the client did not know it. */
  int remove(long uid) {
    int msn = msn(uid);
    if (msn > 0) {
      System.arraycopy(uids, msn, uids, msn - 1, size - msn);
      size--;
    }
    return msn;
  }
}
