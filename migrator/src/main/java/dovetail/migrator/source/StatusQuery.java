package dovetail.migrator.source;

import dovetail.migrator.source.LegacyException.Kind;
import java.util.List;
import org.eclipse.angus.mail.iap.Argument;
import org.eclipse.angus.mail.iap.ParsingException;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.imap.protocol.IMAPResponse;
import org.eclipse.angus.mail.imap.protocol.Status;

/**
 * {@code STATUS folder (UIDVALIDITY UIDNEXT MESSAGES)} (RFC 3501 6.3.10), with {@code HIGHESTMODSEQ} (RFC 7162 3.1.6)
 * when the server offers CONDSTORE: one round trip, nothing selected.
 */
final class StatusQuery {
  private StatusQuery() {}

  static LegacyFolderStatus status(ImapConnection connection, String legacyName) {
    Argument items = new Argument().writeAtom("UIDVALIDITY").writeAtom("UIDNEXT").writeAtom("MESSAGES");
    boolean condstore = connection.hasCapability("CONDSTORE");
    if (condstore) {
      items.writeAtom("HIGHESTMODSEQ");
    }
    Argument args = new Argument();
    args.writeString(legacyName);
    args.writeArgument(items);
    List<Response> answer = connection.run("STATUS", args);
    Response last = answer.get(answer.size() - 1);
    if (!last.isOK()) {
      throw ImapFailures.fromResponse(last, Kind.FOLDER_NOT_FOUND, "STATUS " + legacyName);
    }
    for (Response r : answer) {
      if (r instanceof IMAPResponse ir && ir.keyEquals("STATUS")) {
        try {
          Status s = new Status(ir);
          if (s.uidnext > 0) {
            return new LegacyFolderStatus(Math.max(0, s.uidvalidity), s.uidnext, Math.max(0, s.total),
                condstore ? Math.max(0, s.highestmodseq) : 0);
          }
        } catch (ParsingException e) {
          throw new LegacyException(Kind.PROTOCOL, "STATUS " + legacyName + ": unparsable answer: " + e.getMessage(), e);
        }
      }
    }
    throw new LegacyException(Kind.PROTOCOL, "STATUS " + legacyName + ": the server sent no UIDNEXT");
  }
}
