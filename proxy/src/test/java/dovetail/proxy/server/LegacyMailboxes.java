package dovetail.proxy.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dovetail.conf.FsyncMode;
import dovetail.store.Flags;
import dovetail.store.MailStore;
import dovetail.store.Mailbox;
import dovetail.store.MailboxTransaction;
import dovetail.store.MessageMeta;
import dovetail.store.StoreOptions;
import dovetail.store.SystemFlag;
import dovetail.store.dovecot.ImapProbe;
import dovetail.store.maildir.MaildirStore;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Legacy mail for tests of whole users: generated folders written straight into a (not yet started) Dovecot's
 * Maildir, with UID gaps, a NEXTUID above the last UID, system flags, keywords, spread INTERNALDATEs and a few
 * larger messages; and the comparison of two IMAP servers' view of the same user.
 */
public final class LegacyMailboxes {
  private LegacyMailboxes() {}

  /**
   * Writes {@code counts} (folder name with '/' as separator, message count) for one user; the same {@code seed}
   * gives the same mail. Returns the number of messages written.
   */
  public static int write(Path maildirRoot, Map<String, Integer> counts, long seed) {
    Random random = new Random(seed);
    MailStore store = MaildirStore.open(maildirRoot, StoreOptions.DEFAULT.withFsync(FsyncMode.NEVER));
    int total = 0;
    int f = 0;
    for (Map.Entry<String, Integer> folder : counts.entrySet()) {
      Mailbox box = folder.getKey().equals(MailStore.INBOX) && store.exists(MailStore.INBOX)
          ? store.open(MailStore.INBOX) : store.create(folder.getKey(), 1_600_000_000L + seed * 10 + f++, 1);
      long uid = 0;
      try (MailboxTransaction tx = box.begin()) {
        for (int i = 0; i < folder.getValue(); i++) {
          uid += 1 + (random.nextInt(6) == 0 ? random.nextInt(5) : 0); // gaps, as expunges leave them
          tx.add(MessageMeta.withUid(uid, Instant.ofEpochSecond(1_500_000_000L + random.nextInt(200_000_000)),
              flags(random)), body(folder.getKey(), uid, seed, random));
          if (tx.pending() >= 500) {
            tx.commit();
          }
        }
        tx.raiseNextUid(uid + 1 + random.nextInt(50));
        tx.commit();
      }
      store.setSubscribed(folder.getKey(), random.nextBoolean());
      total += folder.getValue();
    }
    return total;
  }

  private static Flags flags(Random random) {
    Set<SystemFlag> system = EnumSet.noneOf(SystemFlag.class);
    if (random.nextInt(10) < 7) {
      system.add(SystemFlag.SEEN);
    }
    if (random.nextInt(8) == 0) {
      system.add(SystemFlag.ANSWERED);
    }
    if (random.nextInt(15) == 0) {
      system.add(SystemFlag.FLAGGED);
    }
    if (random.nextInt(40) == 0) {
      system.add(SystemFlag.DELETED);
    }
    if (random.nextInt(50) == 0) {
      system.add(SystemFlag.DRAFT);
    }
    Set<String> keywords = new TreeSet<>();
    if (random.nextInt(9) == 0) {
      keywords.add("$Forwarded");
    }
    if (random.nextInt(12) == 0) {
      keywords.add("Project-" + random.nextInt(3));
    }
    return new Flags(system, keywords);
  }

  /** Mostly 1-6 KB; one in 60 between 100 and 400 KB. */
  private static ByteArrayInputStream body(String folder, long uid, long seed, Random random) {
    StringBuilder text = new StringBuilder("From: sender" + random.nextInt(100) + "@example.com\r\n"
        + "To: user" + seed + "@example.org\r\nSubject: " + folder + " message " + uid + "\r\n"
        + "Date: Tue, 2 Mar 2021 10:11:12 +0100\r\nMessage-ID: <" + uid + "." + seed + "." + random.nextLong()
        + "@example.com>\r\n\r\n");
    int size = random.nextInt(60) == 0 ? 100_000 + random.nextInt(300_000) : 1000 + random.nextInt(5000);
    while (text.length() < size) {
      text.append("line ").append(text.length()).append(' ').append(Long.toHexString(random.nextLong())).append("\r\n");
    }
    return new ByteArrayInputStream(text.toString().getBytes(StandardCharsets.US_ASCII));
  }

  /** Every selectable folder by its '/'-separated name, mapped to the server's own spelling. */
  public static Map<String, String> folders(ImapProbe probe) {
    Map<String, String> out = new TreeMap<>();
    for (ImapProbe.ListEntry e : probe.list()) {
      if (!e.attributes().contains("\\Noselect") && !e.attributes().contains("\\NonExistent")) {
        out.put(e.name().replace(e.separator(), '/'), e.name());
      }
    }
    return out;
  }

  /**
   * The same folders on both servers, each with the same UIDVALIDITY and UIDNEXT and, per UID in the same order,
   * the same flags and keywords, INTERNALDATE, size and sha256 of the bytes. Equal UID lists mean no duplicate, no
   * gap and no UID change. Returns the number of messages compared.
   */
  public static int assertSameMail(ImapProbe legacy, ImapProbe other, String what) {
    Map<String, String> legacyFolders = folders(legacy);
    Map<String, String> otherFolders = folders(other);
    assertEquals(legacyFolders.keySet(), otherFolders.keySet(), what + ": folders");
    int compared = 0;
    for (String folder : legacyFolders.keySet()) {
      ImapProbe.FolderState l = legacy.examine(legacyFolders.get(folder));
      ImapProbe.FolderState o = other.examine(otherFolders.get(folder));
      String where = what + " " + folder;
      assertEquals(l.uidValidity(), o.uidValidity(), where + ": UIDVALIDITY");
      assertEquals(l.uidNext(), o.uidNext(), where + ": UIDNEXT");
      assertEquals(l.uids(), o.uids(), where + ": UIDs");
      assertEquals(describe(l), describe(o), where + ": flags, INTERNALDATE, size, sha256");
      compared += l.messages().size();
    }
    return compared;
  }

  private static List<String> describe(ImapProbe.FolderState state) {
    List<String> out = new ArrayList<>();
    for (ImapProbe.ImapMessage m : state.messages()) {
      out.add(m.uid() + " " + m.flags() + " " + m.internalDate() + " " + m.size() + " " + m.sha256());
    }
    return out;
  }

  /** Folder name to count, in order (INBOX first). */
  public static Map<String, Integer> counts(Object... nameAndCount) {
    Map<String, Integer> out = new LinkedHashMap<>();
    for (int i = 0; i < nameAndCount.length; i += 2) {
      out.put((String) nameAndCount[i], (Integer) nameAndCount[i + 1]);
    }
    return out;
  }
}
