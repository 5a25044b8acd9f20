package dovetail.store.maildir;

import dovetail.store.Flags;
import dovetail.store.MailStore;
import dovetail.store.Mailbox;
import dovetail.store.MailboxTransaction;
import dovetail.store.MessageMeta;
import dovetail.store.StoreOptions;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;

/**
 * A child process for {@link TmpLeftoversTest}: adds messages to a transaction of the folder "Kill" that it never
 * commits (as a migration between two commits of dsync_commit_msgs_interval), prints "ADDED n", and waits to be killed.
 */
public final class UncommittedWriter {
  public static void main(String[] args) throws InterruptedException {
    MailStore store = MaildirStore.open(Path.of(args[0]), StoreOptions.DEFAULT);
    Mailbox box = store.exists("Kill") ? store.open("Kill") : store.create("Kill", 777, 1);
    int n = Integer.parseInt(args[1]);
    MailboxTransaction tx = box.begin();
    for (int i = 1; i <= n; i++) {
      tx.add(MessageMeta.withUid(i, Instant.ofEpochSecond(1_600_000_000L + i), Flags.NONE),
          new ByteArrayInputStream(("Subject: " + i + "\r\n\r\n" + "x".repeat(1000) + "\r\n")
              .getBytes(StandardCharsets.US_ASCII)));
    }
    System.out.println("ADDED " + n);
    System.out.flush();
    Thread.sleep(600_000);
  }
}
