package dovetail.migrator.copy;

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
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A folder as a client sees it, from either side: the legacy server over IMAP, the migrated store
 * through Dovecot over IMAP, or the store directly. Two views are equal when nothing a client can see
 * differs: UIDVALIDITY, UIDNEXT, and per UID the flags, keywords, INTERNALDATE, RFC822.SIZE and the
 * sha256 of BODY[]. Public: the service tests compare with it too.
 */
public final class Views {
  private Views() {}

  public record MessageView(long uid, Set<String> flags, Instant internalDate, long size, String sha256) {}

  public record FolderView(long uidValidity, long uidNext, List<MessageView> messages) {
    public List<Long> uids() {
      return messages.stream().map(MessageView::uid).toList();
    }
  }

  public static FolderView imap(ImapProbe probe, String folder) {
    ImapProbe.FolderState s = probe.examine(folder);
    List<MessageView> messages = new ArrayList<>();
    for (ImapProbe.ImapMessage m : s.messages()) {
      messages.add(new MessageView(m.uid(), new TreeSet<>(m.flags()), m.internalDate(), m.size(), m.sha256()));
    }
    return new FolderView(s.uidValidity(), s.uidNext(), messages);
  }

  public static FolderView store(MailStore store, String folder) {
    Mailbox box = store.open(folder);
    List<MessageView> messages = new ArrayList<>();
    for (StoredMessage m : box.messages()) {
      Set<String> flags = new TreeSet<>(m.flags().keywords());
      for (SystemFlag f : m.flags().system()) {
        flags.add(imapName(f));
      }
      String sha;
      try (InputStream in = box.openContent(m.uid())) {
        sha = sha256(in);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      messages.add(new MessageView(m.uid(), flags, m.internalDate(), m.virtualSize(), sha));
    }
    return new FolderView(box.status().uidValidity(), box.status().nextUid(), messages);
  }

  /** The same view without RFC822.SIZE, for servers that report it wrongly (the sha256 still covers the bytes). */
  public static FolderView withoutSizes(FolderView v) {
    return new FolderView(v.uidValidity(), v.uidNext(), v.messages().stream()
        .map(m -> new MessageView(m.uid(), m.flags(), m.internalDate(), -1, m.sha256())).toList());
  }

  static Map<String, FolderView> withoutSizes(Map<String, FolderView> views) {
    Map<String, FolderView> out = new java.util.LinkedHashMap<>();
    views.forEach((k, v) -> out.put(k, v == null ? null : withoutSizes(v)));
    return out;
  }

  /** Compares folder by folder, keyed by the local name. */
  static void assertSame(Map<String, FolderView> legacy, Map<String, FolderView> migrated) {
    assertEquals(legacy.keySet(), migrated.keySet(), "folders");
    for (String folder : legacy.keySet()) {
      assertSame(legacy.get(folder), migrated.get(folder), folder);
    }
  }

  /** One folder; {@code folder} names it in failures. Equal UID lists mean no duplicate and no gap. */
  public static void assertSame(FolderView legacy, FolderView migrated, String folder) {
    assertEquals(legacy.uidValidity(), migrated.uidValidity(), folder + ": UIDVALIDITY");
    assertEquals(legacy.uidNext(), migrated.uidNext(), folder + ": UIDNEXT");
    assertEquals(legacy.uids(), migrated.uids(), folder + ": UIDs");
    for (int i = 0; i < legacy.messages().size(); i++) {
      assertEquals(legacy.messages().get(i), migrated.messages().get(i),
          folder + ": message " + legacy.messages().get(i).uid());
    }
  }

  /** {@link #assertSame(FolderView, FolderView, String)} on everything but RFC822.SIZE. */
  public static void assertSameButSizes(FolderView legacy, FolderView migrated, String folder) {
    assertSame(withoutSizes(legacy), withoutSizes(migrated), folder);
  }

  static String imapName(SystemFlag f) {
    return switch (f) {
      case SEEN -> "\\Seen";
      case ANSWERED -> "\\Answered";
      case FLAGGED -> "\\Flagged";
      case DELETED -> "\\Deleted";
      case DRAFT -> "\\Draft";
    };
  }

  static String sha256(InputStream in) throws IOException {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    byte[] buffer = new byte[1 << 16];
    int n;
    while ((n = in.read(buffer)) > 0) {
      sha.update(buffer, 0, n);
    }
    return HexFormat.of().formatHex(sha.digest());
  }
}
