package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.proxy.server.TestDovetail;
import dovetail.store.Flags;
import dovetail.store.MailStore;
import dovetail.store.Mailbox;
import dovetail.store.MessageMeta;
import dovetail.store.StoredMessage;
import dovetail.store.SystemFlag;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/** A Dovetail whose alice has an INBOX of three messages (the third \Deleted) and an empty folder "Other". */
final class SelectedStateFixture implements AutoCloseable {
  final TestDovetail dovetail;
  final MailStore store;

  SelectedStateFixture(Path dir) throws Exception {
    dovetail = TestDovetail.builder(dir).user("alice", "{PLAIN}secret").start();
    store = dovetail.store("alice");
    Mailbox inbox = store.open(MailStore.INBOX);
    Flags[] flags = {Flags.NONE, Flags.NONE, Flags.of(SystemFlag.DELETED)};
    for (int i = 0; i < flags.length; i++) {
      inbox.append(MessageMeta.next(Instant.parse("2024-01-02T03:04:05Z"), flags[i]), new ByteArrayInputStream(
          ("Subject: message " + (i + 1) + "\r\n\r\nbody " + (i + 1) + "\r\n").getBytes(StandardCharsets.US_ASCII)));
    }
    store.create("Other");
  }

  RawImap login() throws IOException {
    RawImap imap = RawImap.connect(dovetail.imapPort());
    assertTrue(RawImap.last(imap.command("LOGIN alice secret")).contains(" OK "));
    return imap;
  }

  List<StoredMessage> messages(String folder) {
    return store.open(folder).messages();
  }

  @Override
  public void close() {
    dovetail.close();
  }
}
