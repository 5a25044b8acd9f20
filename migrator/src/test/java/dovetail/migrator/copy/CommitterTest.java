package dovetail.migrator.copy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dovetail.store.Flags;
import dovetail.store.MailStore;
import dovetail.store.Mailbox;
import dovetail.store.MessageMeta;
import dovetail.store.StoreError;
import dovetail.store.StoreException;
import dovetail.store.StoreOptions;
import dovetail.store.StoredMessage;
import dovetail.store.maildir.MaildirStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The committer commits every interval, and a failed add keeps what came before it. */
class CommitterTest {
  private static final Instant DATE = Instant.parse("2022-02-02T02:02:02Z");

  @TempDir Path tmp;

  private Mailbox folder() {
    MailStore store = MaildirStore.open(tmp.resolve("Maildir"), StoreOptions.DEFAULT);
    return store.create("Copy", 77, 1);
  }

  private static byte[] body(long uid) {
    return ("Subject: " + uid + "\r\n\r\n" + "x".repeat((int) uid * 37) + "\r\n").getBytes(StandardCharsets.US_ASCII);
  }

  private static void add(Committer c, long uid) {
    c.add(MessageMeta.withUid(uid, DATE.plusSeconds(uid), Flags.NONE), new ByteArrayInputStream(body(uid)));
  }

  private static List<Long> uids(Mailbox box) {
    return box.messages().stream().map(StoredMessage::uid).toList();
  }

  private static byte[] content(Mailbox box, long uid) throws IOException {
    try (InputStream in = box.openContent(uid)) {
      return in.readAllBytes();
    }
  }

  @Test
  void messagesAreCommittedEveryIntervalAndTheLastOnesWithNextUid() throws IOException {
    Mailbox box = folder();
    try (Committer c = new Committer(box, 3)) {
      for (long uid = 1; uid <= 10; uid++) {
        add(c, uid);
      }
      assertEquals(LongStream.rangeClosed(1, 9).boxed().toList(), uids(box), "three commits of three");
      c.finish(40);
    }
    assertEquals(LongStream.rangeClosed(1, 10).boxed().toList(), uids(box));
    assertEquals(40, box.status().nextUid());
    for (long uid = 1; uid <= 10; uid++) {
      assertArrayEquals(body(uid), content(box, uid));
      assertEquals(DATE.plusSeconds(uid), box.message(uid).orElseThrow().internalDate());
    }
  }

  @Test
  void aFailedAddKeepsWhatCameBeforeAndTheCommitterGoesOn() {
    Mailbox box = folder();
    try (Committer c = new Committer(box, 100)) {
      add(c, 1);
      add(c, 2);
      add(c, 3);
      StoreException e = assertThrows(StoreException.class, () -> add(c, 3)); // explicit UIDs must increase
      assertEquals(StoreError.UID_CONFLICT, e.error());
      assertEquals(List.of(1L, 2L, 3L), uids(box), "what came before the failure is committed");
      add(c, 4);
      c.commit();
    }
    assertEquals(List.of(1L, 2L, 3L, 4L), uids(box));
  }

  @Test
  void closingDiscardsWhatWasNotCommitted() {
    Mailbox box = folder();
    try (Committer c = new Committer(box, 2)) {
      for (long uid = 1; uid <= 5; uid++) {
        add(c, uid);
      }
      c.commit();
      add(c, 6);
    }
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L), uids(box), "UID 6 was never committed");
  }
}
