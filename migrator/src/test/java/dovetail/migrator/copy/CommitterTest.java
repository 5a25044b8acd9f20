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
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The committer writes whole bodies on its writer thread: same adds, commits and failures as without it. */
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

  private static MessageMeta meta(long uid) {
    return MessageMeta.withUid(uid, DATE.plusSeconds(uid), Flags.NONE);
  }

  /** The body in the middle of a larger array, as a response buffer holds it. */
  private static void addWhole(Committer c, long uid, List<Long> stored) {
    addWhole(c, uid, stored, new ArrayList<>());
  }

  /** As above; the release scribbles over the array, as its next use would, and records the UID. */
  private static void addWhole(Committer c, long uid, List<Long> stored, List<Long> released) {
    byte[] b = body(uid);
    byte[] buffer = new byte[b.length + 20];
    System.arraycopy(b, 0, buffer, 7, b.length);
    c.addWhole(meta(uid), buffer, 7, b.length, () -> {
      java.util.Arrays.fill(buffer, (byte) 'Z');
      released.add(uid);
    }, () -> stored.add(uid));
  }

  private static byte[] content(Mailbox box, long uid) throws IOException {
    try (InputStream in = box.openContent(uid)) {
      return in.readAllBytes();
    }
  }

  @Test
  void wholeAndStreamedBodiesAreStoredInTheirOrderAndCommittedEveryInterval() throws IOException {
    Mailbox box = folder();
    List<Long> stored = Collections.synchronizedList(new ArrayList<>());
    List<Long> released = Collections.synchronizedList(new ArrayList<>());
    try (Committer c = new Committer(box, 3)) {
      for (long uid = 1; uid <= 10; uid++) {
        if (uid == 5) {
          c.add(meta(uid), new ByteArrayInputStream(body(uid))); // a streamed one waits for those before it
          stored.add(uid);
        } else {
          addWhole(c, uid, stored, released);
        }
      }
      assertEquals(9, c.committedMessages(), "three commits of three");
      c.finish(40);
      assertEquals(10, c.committedMessages());
    }
    assertEquals(LongStream.rangeClosed(1, 10).boxed().toList(), stored);
    assertEquals(List.of(1L, 2L, 3L, 4L, 6L, 7L, 8L, 9L, 10L), released, "each array given back once, after its write "
        + "(the release scribbles over it: the stored bytes below prove it came after)");
    assertEquals(LongStream.rangeClosed(1, 10).boxed().toList(), box.messages().stream().map(StoredMessage::uid).toList());
    assertEquals(40, box.status().nextUid());
    for (long uid = 1; uid <= 10; uid++) {
      assertArrayEquals(body(uid), content(box, uid));
      assertEquals(DATE.plusSeconds(uid), box.message(uid).orElseThrow().internalDate());
    }
  }

  @Test
  void aFailedWholeAddKeepsWhatCameBeforeDropsWhatCameAfterAndIsThrownOnce() {
    Mailbox box = folder();
    List<Long> stored = Collections.synchronizedList(new ArrayList<>());
    try (Committer c = new Committer(box, 100)) {
      addWhole(c, 1, stored);
      addWhole(c, 2, stored);
      addWhole(c, 3, stored);
      StoreException e = assertThrows(StoreException.class, () -> {
        addWhole(c, 3, stored); // explicit UIDs must increase: the store refuses it
        addWhole(c, 4, stored);
        c.commit();
      });
      assertEquals(StoreError.UID_CONFLICT, e.error());
      assertEquals(List.of(1L, 2L, 3L), box.messages().stream().map(StoredMessage::uid).toList(),
          "what came before the failure is committed, nothing after it");
      assertEquals(List.of(1L, 2L, 3L), stored);
      addWhole(c, 4, stored); // the failure was reported once; the committer goes on
      c.commit();
    }
    assertEquals(List.of(1L, 2L, 3L, 4L), box.messages().stream().map(StoredMessage::uid).toList());
  }

  @Test
  void closingDiscardsWhatWasNotCommitted() {
    Mailbox box = folder();
    List<Long> stored = Collections.synchronizedList(new ArrayList<>());
    try (Committer c = new Committer(box, 2)) {
      for (long uid = 1; uid <= 5; uid++) {
        addWhole(c, uid, stored);
      }
      c.commit();
      addWhole(c, 6, stored);
    }
    List<Long> uids = box.messages().stream().map(StoredMessage::uid).toList();
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L), uids, "UID 6 was never committed");
  }
}
