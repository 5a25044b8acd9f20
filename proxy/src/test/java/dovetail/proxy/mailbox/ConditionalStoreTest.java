package dovetail.proxy.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import javax.mail.Flags.Flag;
import org.apache.james.core.Username;
import org.apache.james.mailbox.Authorizator;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageManager;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.MessageManager.FlagsUpdateMode;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.MessageRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;

/**
 * STORE UNCHANGEDSINCE is tested again where the change is made, under the folder's lock: a message another session
 * changed after James's own test (which reads the mod-sequences first) is left as it is and noted for MODIFIED.
 */
class ConditionalStoreTest {
  @TempDir Path root;

  @Test
  void aMessageChangedAfterJamesTestedItIsLeftUntouchedAndNoted() throws Exception {
    MailStore store = MaildirStore.open(root, StoreOptions.DEFAULT);
    Mailbox inbox = store.create("INBOX", 7, 1);
    for (int i = 1; i <= 2; i++) {
      inbox.append(MessageMeta.next(Instant.parse("2024-01-01T00:00:00Z"), Flags.NONE),
          new ByteArrayInputStream(("Subject: " + i + "\r\n\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII)));
    }
    MailboxBackend backend = MailboxBackend.create(user -> store, (user, password) -> false,
        (self, other) -> Authorizator.AuthorizationState.FORBIDDEN, Clock.systemUTC());
    MailboxManager manager = backend.mailboxManager();
    MailboxSession mine = manager.createSystemSession(Username.of("alice"));
    MailboxSession other = manager.createSystemSession(Username.of("alice"));
    MessageManager inboxHere = manager.getMailbox(MailboxPath.inbox(mine), mine);
    MessageManager inboxThere = manager.getMailbox(MailboxPath.inbox(other), other);

    // What James's test saw: both messages at or below this mod-sequence.
    long tested = Flux.from(inboxHere.listMessagesMetadata(MessageRange.all(), mine))
        .map(m -> m.getModSeq().asLong()).reduce(Math::max).block();
    // Then, before the change is made, another session changes message 2.
    inboxThere.setFlags(new javax.mail.Flags(Flag.SEEN), FlagsUpdateMode.ADD,
        MessageRange.one(MessageUid.of(2)), other);

    ConditionalStore command = ConditionalStore.begin(mine, tested);
    try {
      inboxHere.setFlags(new javax.mail.Flags(Flag.FLAGGED), FlagsUpdateMode.ADD,
          MessageRange.range(MessageUid.of(1), MessageUid.of(2)),
          mine);
    } finally {
      command.end(mine);
    }
    SortedSet<Long> refused = command.refused();

    assertEquals(new TreeSet<>(List.of(2L)), refused, "message 2 changed after the test: MODIFIED");
    Mailbox onDisk = store.open("INBOX");
    assertTrue(onDisk.message(1).orElseThrow().flags().has(SystemFlag.FLAGGED), "message 1 passed the test");
    assertFalse(onDisk.message(2).orElseThrow().flags().has(SystemFlag.FLAGGED), "message 2 is left as it is");
    assertTrue(onDisk.message(2).orElseThrow().flags().has(SystemFlag.SEEN), "the other session's change stays");
    assertTrue(ConditionalStore.of(mine).isEmpty(), "forgotten when the command is over");
    ConditionalStore next = ConditionalStore.begin(mine, tested);
    command.end(mine);
    assertEquals(Optional.of(next), ConditionalStore.of(mine), "the end of one command leaves the next one's");
    next.end(mine);

    // Without a conditional STORE in progress, the same change is made.
    inboxHere.setFlags(new javax.mail.Flags(Flag.FLAGGED), FlagsUpdateMode.ADD,
        MessageRange.one(MessageUid.of(2)), mine);
    assertTrue(store.open("INBOX").message(2).orElseThrow().flags().has(SystemFlag.FLAGGED));
  }
}
