package dovetail.store.maildir;

import java.util.List;

/**
 * The first line of dovecot-uidlist v3: {@code 3 V<uidvalidity> N<nextuid> G<guid>[ <other>]*}.
 *
 * @param extra header fields other than V, N and G, kept verbatim and written after G (as Dovecot does)
 */
record UidlistHeader(long uidValidity, long nextUid, String guid, List<String> extra) {
  UidlistHeader {
    extra = List.copyOf(extra);
  }

  String toLine() {
    StringBuilder line = new StringBuilder("3 V").append(uidValidity).append(" N").append(nextUid).append(" G").append(guid);
    for (String field : extra) {
      line.append(' ').append(field);
    }
    return line.toString();
  }
}
