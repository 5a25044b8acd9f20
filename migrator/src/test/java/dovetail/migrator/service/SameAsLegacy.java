package dovetail.migrator.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dovetail.store.MailStore;
import dovetail.store.Mailbox;
import dovetail.store.StoredMessage;
import dovetail.store.SystemFlag;
import dovetail.store.dovecot.ImapProbe;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A migrated folder against the legacy one as a client sees it: UIDVALIDITY, UIDNEXT, and per UID the flags
 * and keywords, INTERNALDATE and the sha256 of the bytes. Equal lists of UIDs mean no duplicate and no gap.
 */
final class SameAsLegacy {
  private SameAsLegacy() {}

  record Message(long uid, Set<String> flags, Instant internalDate, String sha256) {}

  record View(long uidValidity, long uidNext, List<Message> messages) {}

  static View legacy(ImapProbe probe, String folder) {
    ImapProbe.FolderState s = probe.examine(folder);
    List<Message> out = new ArrayList<>();
    for (ImapProbe.ImapMessage m : s.messages()) {
      out.add(new Message(m.uid(), new TreeSet<>(m.flags()), m.internalDate(), m.sha256()));
    }
    return new View(s.uidValidity(), s.uidNext(), out);
  }

  static View store(MailStore store, String folder) {
    Mailbox box = store.open(folder);
    List<Message> out = new ArrayList<>();
    for (StoredMessage m : box.messages()) {
      Set<String> flags = new TreeSet<>(m.flags().keywords());
      m.flags().system().forEach(f -> flags.add(imapName(f)));
      try (InputStream in = box.openContent(m.uid())) {
        out.add(new Message(m.uid(), flags, m.internalDate(), sha256(in)));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return new View(box.status().uidValidity(), box.status().nextUid(), out);
  }

  static void assertSame(View legacy, View migrated, String folder) {
    assertEquals(legacy.uidValidity(), migrated.uidValidity(), folder + ": UIDVALIDITY");
    assertEquals(legacy.uidNext(), migrated.uidNext(), folder + ": UIDNEXT");
    assertEquals(legacy.messages().stream().map(Message::uid).toList(),
        migrated.messages().stream().map(Message::uid).toList(), folder + ": UIDs");
    assertEquals(legacy.messages(), migrated.messages(), folder + ": flags, dates, bytes");
  }

  private static String imapName(SystemFlag f) {
    return switch (f) {
      case SEEN -> "\\Seen";
      case ANSWERED -> "\\Answered";
      case FLAGGED -> "\\Flagged";
      case DELETED -> "\\Deleted";
      case DRAFT -> "\\Draft";
    };
  }

  private static String sha256(InputStream in) throws IOException {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 16];
      int n;
      while ((n = in.read(buffer)) > 0) {
        sha.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
