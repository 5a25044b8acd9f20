package dovetail.proxy.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.store.Flags;
import dovetail.store.MailStore;
import dovetail.store.Mailbox;
import dovetail.store.MessageMeta;
import dovetail.store.StoreOptions;
import dovetail.store.SystemFlag;
import dovetail.store.maildir.MaildirStore;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FolderStateTest {
  @TempDir Path dir;

  private Mailbox folderWithTwoMessages(Map<String, String> state) {
    MailStore store = MaildirStore.open(dir.resolve("Maildir"), StoreOptions.DEFAULT);
    Mailbox inbox = store.create("INBOX", 99, 1);
    for (int i = 0; i < 2; i++) {
      inbox.append(MessageMeta.next(Instant.parse("2024-01-01T00:00:00Z"), Flags.NONE),
          new ByteArrayInputStream(("Subject: " + i + "\r\n\r\nx\r\n").getBytes(StandardCharsets.US_ASCII)));
    }
    inbox.writeDovetailState(state);
    return inbox;
  }

  @Test
  void modSeqsStartAboveTheLegacyHighestModSeqAndKeepOtherKeys() {
    Mailbox inbox = folderWithTwoMessages(Map.of("legacy.highestmodseq", "5000", "migration.state", "done"));
    FolderState state = new FolderState();
    state.ensureLoaded(inbox);
    assertEquals(5001, state.modSeq(1));
    assertEquals(5001, state.highest());
    Map<String, String> written = inbox.dovetailState();
    assertEquals("done", written.get("migration.state"), "keys written by others survive");
    assertEquals("5000", written.get("legacy.highestmodseq"));
    assertTrue(Long.parseLong(written.get(FolderState.HIGHEST_KEY)) >= 5001, written.toString());
  }

  @Test
  void aRestartNeverHandsOutAModSeqTwice() {
    Mailbox inbox = folderWithTwoMessages(Map.of());
    FolderState first = new FolderState();
    first.ensureLoaded(inbox);
    long last = 0;
    for (int i = 0; i < FolderState.RESERVE + 10; i++) {
      last = first.next(inbox);
    }
    FolderState afterRestart = new FolderState();
    afterRestart.ensureLoaded(inbox);
    assertTrue(afterRestart.highest() > last, afterRestart.highest() + " > " + last);
  }

  @Test
  void syncReportsOtherWritersChangesOnceWithNewModSeqs() {
    Mailbox inbox = folderWithTwoMessages(Map.of());
    FolderState state = new FolderState();
    state.ensureLoaded(inbox);
    long before = state.highest();
    inbox.setFlags(1, Flags.of(SystemFlag.SEEN));
    inbox.expunge(List.of(2L));
    inbox.append(MessageMeta.next(Instant.now(), Flags.NONE), new ByteArrayInputStream("\r\nnew\r\n".getBytes(StandardCharsets.US_ASCII)));
    FolderState.Changes changes = state.sync(inbox, inbox.messages());
    assertEquals(List.of(3L), changes.added().stream().map(m -> m.uid()).toList());
    assertEquals(List.of(2L), List.copyOf(changes.expunged().keySet()));
    assertEquals(1, changes.flags().size());
    assertTrue(changes.flags().get(0).modSeq() > before);
    assertTrue(state.modSeq(3) > before);
    assertTrue(state.sync(inbox, inbox.messages()).isEmpty(), "reported once");
  }
}
