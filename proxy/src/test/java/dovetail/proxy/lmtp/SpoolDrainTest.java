package dovetail.proxy.lmtp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dovetail.store.Flags;
import dovetail.store.MailStore;
import dovetail.store.Mailbox;
import dovetail.store.MessageMeta;
import dovetail.store.StoreOptions;
import dovetail.store.StoredMessage;
import dovetail.store.maildir.MaildirStore;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The drain after a crash at each step: every spooled message ends up in INBOX exactly once, in spool order. */
class SpoolDrainTest {
  @TempDir Path dir;

  private static InputStream bytes(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.US_ASCII));
  }

  private static List<String> contents(Mailbox inbox) throws Exception {
    List<String> out = new ArrayList<>();
    for (StoredMessage m : inbox.messages()) {
      try (InputStream in = inbox.openContent(m.uid())) {
        out.add(new String(in.readAllBytes(), StandardCharsets.US_ASCII));
      }
    }
    return out;
  }

  private Mailbox inboxWithLegacyUidnext(MailStore store) {
    return store.create(MailStore.INBOX, 1234, 21);
  }

  @Test
  void aDrainDrainsInArrivalOrderFromTheNextUid() throws Exception {
    MailStore store = MaildirStore.open(dir.resolve("Maildir"), StoreOptions.DEFAULT);
    Mailbox inbox = inboxWithLegacyUidnext(store);
    UserSpool spool = new UserSpool(store, true);
    for (int i = 0; i < 250; i++) {
      spool.add(bytes("m" + i + "\n"));
    }
    assertEquals(250, SpoolDrain.drain(spool, inbox));
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 250; i++) {
      expected.add("m" + i + "\n");
    }
    assertEquals(expected, contents(inbox));
    assertEquals(21, inbox.messages().get(0).uid());
    assertEquals(List.of(), spool.pending());
  }

  @Test
  void aCrashAfterTheCommitBeforeTheFilesWentAppendsNothingTwice() throws Exception {
    crashAfterTheCommitBeforeTheFilesWent();
  }

  /**
   * Walk-through 16, F1: under a locale whose digits are not ASCII (Arabic, Persian, Bengali...) the spool's names had
   * those digits, the marker (ASCII) lost them, and a drain after such a crash appended the batch a second time.
   */
  @Test
  void aCrashAfterTheCommitAppendsNothingTwiceUnderALocaleWithOtherDigits() throws Exception {
    Locale before = Locale.getDefault();
    Locale.setDefault(Locale.forLanguageTag("ar-EG"));
    try {
      crashAfterTheCommitBeforeTheFilesWent();
    } finally {
      Locale.setDefault(before);
    }
  }

  private void crashAfterTheCommitBeforeTheFilesWent() throws Exception {
    MailStore store = MaildirStore.open(dir.resolve("Maildir"), StoreOptions.DEFAULT);
    Mailbox inbox = inboxWithLegacyUidnext(store);
    UserSpool spool = new UserSpool(store, true);
    spool.add(bytes("a\n"));
    spool.add(bytes("b\n"));
    spool.add(bytes("b\n")); // the same bytes twice are two deliveries
    spool.add(bytes("c\n"));
    // What the drain does up to its commit, for the first three; then the process "dies".
    List<Path> batch = spool.pending().subList(0, 3);
    spool.writeMarker(new UserSpool.Marker(inbox.status().nextUid(),
        batch.stream().map(p -> p.getFileName().toString()).toList()));
    for (Path f : batch) {
      try (InputStream in = Files.newInputStream(f)) {
        inbox.append(MessageMeta.next(Instant.now(), Flags.NONE), in);
      }
    }
    Files.delete(batch.get(0)); // some files may be gone already
    assertEquals(1, SpoolDrain.drain(spool, inbox));
    assertEquals(List.of("a\n", "b\n", "b\n", "c\n"), contents(inbox));
    assertEquals(List.of(), spool.pending());
  }

  @Test
  void aCrashAfterTheMarkerBeforeTheCommitAppendsEverything() throws Exception {
    MailStore store = MaildirStore.open(dir.resolve("Maildir"), StoreOptions.DEFAULT);
    Mailbox inbox = inboxWithLegacyUidnext(store);
    UserSpool spool = new UserSpool(store, true);
    spool.add(bytes("x\n"));
    spool.add(bytes("y\n"));
    spool.writeMarker(new UserSpool.Marker(inbox.status().nextUid(),
        spool.pending().stream().map(p -> p.getFileName().toString()).toList()));
    assertEquals(2, SpoolDrain.drain(spool, inbox));
    assertEquals(List.of("x\n", "y\n"), contents(inbox));
  }
}
