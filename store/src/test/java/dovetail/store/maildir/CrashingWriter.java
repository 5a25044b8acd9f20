package dovetail.store.maildir;

import dovetail.store.Flags;
import dovetail.store.MailStore;
import dovetail.store.Mailbox;
import dovetail.store.MailboxTransaction;
import dovetail.store.MessageMeta;
import dovetail.store.StoreOptions;
import dovetail.store.StoredMessage;
import dovetail.store.SystemFlag;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Random;

/**
 * A child process for MaildirCrashIT: resumes after the highest UID in the folder (as a migration does),
 * adds messages with explicit UIDs in small transactions, flips flags now and then, and prints
 * "COMMITTED <uid>" only after commit() returned. The test kills it with SIGKILL at random moments.
 */
public final class CrashingWriter {
  public static void main(String[] args) throws InterruptedException {
    Path root = Path.of(args[0]);
    long lastUid = Long.parseLong(args[1]);
    MailStore store = MaildirStore.open(root, StoreOptions.DEFAULT);
    Mailbox box = store.exists("Crash") ? store.open("Crash") : store.create("Crash", 424242, 1);
    List<StoredMessage> present = box.messages();
    long uid = present.isEmpty() ? 1 : present.get(present.size() - 1).uid() + 1;
    Random random = new Random();
    System.out.println("READY " + uid);
    System.out.flush();
    while (uid <= lastUid) {
      try (MailboxTransaction tx = box.begin()) {
        int batch = 1 + random.nextInt(4);
        for (int i = 0; i < batch && uid <= lastUid; i++, uid++) {
          tx.add(MessageMeta.withUid(uid, Instant.ofEpochSecond(1_600_000_000L + uid), Flags.of(SystemFlag.SEEN)),
              new ByteArrayInputStream(body(uid)));
        }
        if (uid > lastUid) {
          tx.raiseNextUid(lastUid + 10);
        }
        for (StoredMessage m : tx.commit()) {
          System.out.println("COMMITTED " + m.uid());
        }
        System.out.flush();
      }
      // Pace the writer so that the parent's kill lands at a random phase of a commit, not after the end.
      Thread.sleep(random.nextInt(3));
      if (random.nextInt(5) == 0 && uid > 2) {
        box.setFlags(uid - 2, Flags.of(SystemFlag.SEEN, SystemFlag.FLAGGED).withKeywords("Crashed"));
      }
    }
    System.out.println("DONE");
  }

  static byte[] body(long uid) {
    return ("Message-ID: <" + uid + "@crash.test>\r\nSubject: message " + uid + "\r\n\r\n" + "x".repeat((int) (uid % 97))
        + "\r\n").getBytes(StandardCharsets.US_ASCII);
  }
}
