package dovetail.migrator.source;

import dovetail.migrator.source.LegacyException.Kind;
import java.util.List;
import org.eclipse.angus.mail.iap.Argument;
import org.eclipse.angus.mail.iap.ParsingException;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.imap.protocol.FetchResponse;
import org.eclipse.angus.mail.imap.protocol.IMAPResponse;
import org.eclipse.angus.mail.imap.protocol.MailboxInfo;
import org.eclipse.angus.mail.imap.protocol.Status;
import org.eclipse.angus.mail.imap.protocol.UID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * EXAMINE (read-only SELECT), or SELECT with {@code imapc_features = no-examine}, plus STATUS for servers whose
 * EXAMINE has no UIDNEXT (Courier).
 */
final class FolderExaminer {
  private static final Logger LOG = LoggerFactory.getLogger(FolderExaminer.class);

  private FolderExaminer() {}

  /**
   * @param select SELECT instead of EXAMINE: Courier gives a folder that has no UID database (mail delivered there and
   *     read over POP3 only) a new UIDVALIDITY in every session, and makes the database at a read-write SELECT only
   *     (Dovecot's imapc has the same workaround under the same name). Nothing else differs: fetches still PEEK, and
   *     the folder is left by selecting another or by LOGOUT, never by CLOSE, which would expunge.
   */
  static FolderSnapshot examine(ImapConnection connection, String legacyName, boolean select) {
    // RFC 7162 3.1.8: the CONDSTORE select parameter makes the server report HIGHESTMODSEQ.
    boolean condstore = connection.hasCapability("CONDSTORE");
    Argument args = new Argument();
    args.writeString(legacyName);
    if (condstore) {
      args.writeArgument(new Argument().writeAtom("CONDSTORE"));
    }
    connection.selecting();
    String command = select ? "SELECT" : "EXAMINE";
    List<Response> answer = connection.run(command, args);
    Response last = answer.get(answer.size() - 1);
    if (!last.isOK()) {
      throw refused(connection, command + " " + legacyName, legacyName, last);
    }
    MailboxInfo info;
    try {
      info = new MailboxInfo(answer.toArray(new Response[0]));
    } catch (ParsingException e) {
      throw new LegacyException(Kind.PROTOCOL, command + " " + legacyName + ": unparsable answer: " + e.getMessage(), e);
    }
    if (info.uidvalidity <= 0) {
      throw new LegacyException(Kind.PROTOCOL, command + " " + legacyName + ": the server sent no UIDVALIDITY");
    }
    long count = Math.max(0, connection.exists() >= 0 ? connection.exists() : info.total);
    long uidNext = info.uidnext > 0 ? info.uidnext : statusUidNext(connection, legacyName);
    if (uidNext <= 0) {
      uidNext = lastUid(connection, legacyName, count) + 1;
      LOG.warn("{}: {} reports UIDNEXT neither in EXAMINE nor in STATUS; using the highest UID + 1 = {}",
          connection.peer(), legacyName, uidNext);
    }
    long modSeq = condstore && info.highestmodseq > 0 ? info.highestmodseq : 0;
    connection.selected(info.uidvalidity, count);
    return new FolderSnapshot(info.uidvalidity, uidNext, modSeq, count);
  }

  /**
   * EXAMINE said NO. Only a NO that means "no such mailbox" makes the folder gone (FOLDER_NOT_FOUND, which
   * the migration takes as final): RFC 5530 {@code [NONEXISTENT]}, or a folder that LIST no longer shows.
   * Any other NO ("Internal error", "mailbox is locked", {@code [SERVERBUG]}) says nothing about the folder:
   * FOLDER_REFUSED, tried again later.
   */
  private static LegacyException refused(ImapConnection connection, String sent, String legacyName, Response answer) {
    LegacyException e = ImapFailures.fromResponse(answer, Kind.FOLDER_NOT_FOUND, sent);
    if (e.kind() != Kind.FOLDER_NOT_FOUND
        || "NONEXISTENT".equals(ImapFailures.responseCode(ImapFailures.text(answer)))) {
      return e;
    }
    if (!FolderLister.isListed(connection, legacyName)) {
      return e;
    }
    return new LegacyException(Kind.FOLDER_REFUSED, e.getMessage() + " (the folder is still listed: tried again later)",
        e.retryAfter().orElse(null), null);
  }

  private static long statusUidNext(ImapConnection connection, String legacyName) {
    Argument args = new Argument();
    args.writeString(legacyName);
    args.writeArgument(new Argument().writeAtom("UIDNEXT"));
    List<Response> answer = connection.run("STATUS", args);
    if (!answer.get(answer.size() - 1).isOK()) {
      return -1;
    }
    for (Response r : answer) {
      if (r instanceof IMAPResponse ir && ir.keyEquals("STATUS")) {
        try {
          return new Status(ir).uidnext;
        } catch (ParsingException e) {
          return -1;
        }
      }
    }
    return -1;
  }

  /** The highest UID, from the last message's FETCH; 0 for an empty folder. */
  private static long lastUid(ImapConnection connection, String legacyName, long count) {
    if (count == 0) {
      return 0;
    }
    List<Response> answer = connection.run("FETCH * (UID)", null);
    long max = 0;
    for (Response r : answer) {
      if (r instanceof FetchResponse f && f.getItem(UID.class) != null) {
        max = Math.max(max, f.getItem(UID.class).uid);
      }
    }
    if (max == 0) {
      throw new LegacyException(Kind.PROTOCOL, "cannot learn UIDNEXT of " + legacyName);
    }
    return max;
  }
}
