package dovetail.migrator.source;

import dovetail.migrator.source.LegacyException.Kind;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.angus.mail.iap.ByteArray;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.imap.protocol.BODY;
import org.eclipse.angus.mail.imap.protocol.FetchResponse;
import org.eclipse.angus.mail.imap.protocol.UID;

/**
 * {@code UID FETCH <set> (UID BODY.PEEK[HEADER])} in batches: the IMAP side of POP3 UIDL matching. Headers
 * are small, so each batch is read whole.
 */
final class HeaderFetcher {
  private static final int BATCH = 200;

  private HeaderFetcher() {}

  static Map<Long, byte[]> fetch(ImapConnection connection, long[] sortedUids) {
    Map<Long, byte[]> out = new LinkedHashMap<>();
    for (int from = 0; from < sortedUids.length; from += BATCH) {
      int to = Math.min(sortedUids.length, from + BATCH);
      String tag = connection.send("UID FETCH " + UidSets.format(sortedUids, from, to) + " (UID BODY.PEEK[HEADER])", null);
      while (true) {
        Response r = connection.read();
        if (r.isTagged() && tag.equals(r.getTag())) {
          if (!r.isOK()) {
            throw ImapFailures.fromResponse(r, Kind.PROTOCOL, "UID FETCH BODY.PEEK[HEADER]");
          }
          break;
        }
        if (r instanceof FetchResponse f) {
          UID uid = f.getItem(UID.class);
          BODY body = f.getItem(BODY.class);
          if (uid != null && body != null) {
            ByteArray data = body.getByteArray();
            out.put(uid.uid, data == null ? new byte[0] : data.getNewBytes());
          }
        }
      }
    }
    return out;
  }
}
