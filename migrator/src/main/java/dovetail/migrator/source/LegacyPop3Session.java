package dovetail.migrator.source;

import java.util.List;
import java.util.Map;

/**
 * A read-only POP3 session on the legacy server, for the POP3 UIDLs: UIDL and LIST of the whole maildrop,
 * and TOP n 0 for the messages whose sizes do not say which IMAP message they are. It never deletes.
 */
public interface LegacyPop3Session extends AutoCloseable {

  /** UIDL and LIST, in POP3 order. */
  List<LegacyPop3Message> list();

  /** The headers (TOP n 0) of the given positions. */
  Map<Integer, byte[]> headers(List<Integer> seqs);

  /** QUIT without deleting anything; never throws. */
  @Override
  void close();

  /** Opens a session for {@code user}. */
  static LegacyPop3Session open(LegacyPop3Endpoint endpoint, String user) {
    return Pop3Connection.open(endpoint, user);
  }
}
