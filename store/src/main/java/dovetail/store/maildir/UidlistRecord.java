package dovetail.store.maildir;

import java.util.Map;
import java.util.TreeMap;

/**
 * One line of dovecot-uidlist v3: {@code <uid>[ <KEY><value>]* :<basename>}.
 *
 * @param extensions record extensions keyed by their letter (P, O, G, S, W, ...), in key order
 */
record UidlistRecord(long uid, Map<Character, String> extensions, String baseName) {
  UidlistRecord {
    // Most records have no extensions (every migrated message without POP3 data): no map for those.
    extensions = extensions.isEmpty() ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(extensions));
  }

  String extension(char key) {
    return extensions.get(key);
  }

  /** The line without its LF, as maildir_uidlist_write_fd writes it. */
  String toLine() {
    StringBuilder line = new StringBuilder(baseName.length() + 32).append(uid);
    // Dovecot writes its own keys in enum order; any order is read back the same.
    for (Map.Entry<Character, String> e : extensions.entrySet()) {
      line.append(' ').append(e.getKey()).append(e.getValue());
    }
    return line.append(" :").append(baseName).toString();
  }
}
