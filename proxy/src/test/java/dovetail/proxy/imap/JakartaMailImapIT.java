package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.proxy.server.TestDovetail;
import dovetail.store.Flags;
import dovetail.store.MailStore;
import dovetail.store.Mailbox;
import dovetail.store.MessageMeta;
import dovetail.store.StoredMessage;
import dovetail.store.SystemFlag;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.event.MessageCountAdapter;
import jakarta.mail.event.MessageCountEvent;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.search.FlagTerm;
import jakarta.mail.search.SubjectTerm;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.angus.mail.imap.AppendUID;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Jakarta Mail's IMAP client (Angus) against Dovetail, over a real socket, on a store another writer filled. */
class JakartaMailImapIT {
  private static final byte[] BARE_LF = ("From: carol@example.org\nTo: alice@example.org\nSubject: bare LF\n"
      + "Message-ID: <lf@test>\nDate: Mon, 1 Jan 2024 10:00:00 +0000\n\nline one\nline two\n").getBytes(StandardCharsets.US_ASCII);
  private static final byte[] CRLF = ("From: dave@example.org\r\nSubject: with crlf\r\nMessage-ID: <crlf@test>\r\n\r\n"
      + "body\r\n").getBytes(StandardCharsets.US_ASCII);
  private static final Instant DATE_1 = Instant.parse("2021-03-04T05:06:07Z");
  private static final Instant DATE_2 = Instant.parse("2022-07-08T09:10:11Z");

  @TempDir static Path dir;
  private static TestDovetail dovetail;

  @BeforeAll
  static void start() throws Exception {
    dovetail = TestDovetail.builder(dir).user("alice", "{PLAIN}secret").start();
    MailStore store = dovetail.store("alice");
    Mailbox inbox = store.create("INBOX", 424242, 1);
    try (var tx = inbox.begin()) {
      tx.add(MessageMeta.withUid(7, DATE_1, Flags.of(SystemFlag.SEEN).withKeywords("$Label1")), new ByteArrayInputStream(BARE_LF));
      tx.add(MessageMeta.withUid(9, DATE_2, Flags.NONE), new ByteArrayInputStream(CRLF));
      tx.raiseNextUid(20);
      tx.commit();
    }
    store.create("Archive");
  }

  @AfterAll
  static void stop() {
    if (dovetail != null) {
      dovetail.close();
    }
  }

  private static Store connect() throws Exception {
    Properties p = new Properties();
    p.put("mail.imap.host", "127.0.0.1");
    p.put("mail.imap.port", Integer.toString(dovetail.imapPort()));
    p.put("mail.imap.connectiontimeout", "10000");
    p.put("mail.imap.timeout", "20000");
    Store store = Session.getInstance(p).getStore("imap");
    store.connect("alice", "secret");
    return store;
  }

  @Test
  void listSelectAndFetchShowWhatTheStoreHolds() throws Exception {
    try (Store store = connect()) {
      List<String> names = Arrays.stream(store.getDefaultFolder().list("*")).map(Folder::getFullName).sorted().toList();
      assertTrue(names.containsAll(List.of("Archive", "INBOX")), names.toString());
      IMAPFolder inbox = (IMAPFolder) store.getFolder("INBOX");
      inbox.open(Folder.READ_ONLY);
      assertEquals(424242, inbox.getUIDValidity());
      assertEquals(20, inbox.getUIDNext(), "UIDNEXT is the store's NEXTUID");
      assertEquals(2, inbox.getMessageCount());
      Message first = inbox.getMessageByUID(7);
      assertTrue(first.isSet(jakarta.mail.Flags.Flag.SEEN));
      assertTrue(first.getFlags().contains("$Label1"), "keywords are user flags");
      assertEquals(DATE_1, first.getReceivedDate().toInstant(), "INTERNALDATE is the store's");
      byte[] crlfForm = new String(BARE_LF, StandardCharsets.US_ASCII).replace("\n", "\r\n").getBytes(StandardCharsets.US_ASCII);
      assertEquals(crlfForm.length, first.getSize(), "RFC822.SIZE counts bare LF as CRLF, as Dovecot's W= does");
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      ((MimeMessage) first).writeTo(body);
      assertArrayEquals(crlfForm, body.toByteArray(), "BODY[] is served with CRLF line ends");
      assertEquals("bare LF", first.getSubject());
      inbox.close(false);
    }
  }

  @Test
  void storeFlagsAndKeywordsReachTheStore() throws Exception {
    try (Store store = connect()) {
      IMAPFolder inbox = (IMAPFolder) store.getFolder("INBOX");
      inbox.open(Folder.READ_WRITE);
      Message m = inbox.getMessageByUID(9);
      m.setFlag(jakarta.mail.Flags.Flag.FLAGGED, true);
      m.setFlags(new jakarta.mail.Flags("Project-X"), true);
      inbox.close(false);
    }
    StoredMessage stored = dovetail.store("alice").open("INBOX").message(9).orElseThrow();
    assertTrue(stored.flags().has(SystemFlag.FLAGGED));
    assertTrue(stored.flags().keywords().contains("Project-X"), stored.flags().toString());
  }

  @Test
  void searchFindsBySubjectAndFlag() throws Exception {
    try (Store store = connect()) {
      IMAPFolder inbox = (IMAPFolder) store.getFolder("INBOX");
      inbox.open(Folder.READ_ONLY);
      Message[] bySubject = inbox.search(new SubjectTerm("crlf"));
      assertEquals(1, bySubject.length);
      assertEquals(9, inbox.getUID(bySubject[0]));
      Message[] seen = inbox.search(new FlagTerm(new jakarta.mail.Flags(jakarta.mail.Flags.Flag.SEEN), true));
      assertEquals(1, seen.length);
      assertEquals(7, inbox.getUID(seen[0]));
      inbox.close(false);
    }
  }

  @Test
  void appendCopyMoveAndExpungeGoThroughTheStore() throws Exception {
    try (Store store = connect()) {
      store.getFolder("Work").create(Folder.HOLDS_MESSAGES);
      IMAPFolder work = (IMAPFolder) store.getFolder("Work");
      MimeMessage msg = new MimeMessage(Session.getInstance(new Properties()),
          new ByteArrayInputStream("Subject: appended\r\nFrom: a@b\r\n\r\nhi\r\n".getBytes(StandardCharsets.US_ASCII)));
      AppendUID[] appended = work.appendUIDMessages(new Message[] {msg});
      long storedValidity = dovetail.store("alice").open("Work").status().uidValidity();
      assertEquals(storedValidity, appended[0].uidvalidity);
      assertEquals(1, appended[0].uid, "the first APPEND takes the folder's next UID");

      work.open(Folder.READ_WRITE);
      AppendUID[] copied = work.copyUIDMessages(work.getMessages(), store.getFolder("Archive"));
      assertEquals(1, copied[0].uid, "COPYUID names the copy's UID");
      work.moveMessages(work.getMessages(), store.getFolder("Archive"));
      work.close(false);
      work.open(Folder.READ_ONLY);
      assertEquals(0, work.getMessageCount(), "MOVE expunges the source");
      work.close(false);

      IMAPFolder archive = (IMAPFolder) store.getFolder("Archive");
      archive.open(Folder.READ_WRITE);
      assertEquals(2, archive.getMessageCount(), "one copied, one moved");
      archive.getMessage(1).setFlag(jakarta.mail.Flags.Flag.DELETED, true);
      archive.expunge();
      assertEquals(1, archive.getMessageCount());
      archive.close(false);
    }
    MailStore store = dovetail.store("alice");
    assertEquals(0, store.open("Work").messages().size());
    List<StoredMessage> archived = store.open("Archive").messages();
    assertEquals(1, archived.size());
    assertEquals(2, archived.get(0).uid(), "COPY took UID 1, MOVE UID 2; EXPUNGE removed 1");
  }

  @Test
  void idleSeesAMessageThatAnotherWriterAdded() throws Exception {
    MailStore other = dovetail.store("alice");
    other.create("Idle");
    try (Store store = connect()) {
      IMAPFolder folder = (IMAPFolder) store.getFolder("Idle");
      folder.open(Folder.READ_ONLY);
      CountDownLatch arrived = new CountDownLatch(1);
      folder.addMessageCountListener(new MessageCountAdapter() {
        @Override
        public void messagesAdded(MessageCountEvent e) {
          arrived.countDown();
        }
      });
      AtomicBoolean idling = new AtomicBoolean(true);
      Thread idler = new Thread(() -> {
        try {
          while (idling.get() && arrived.getCount() > 0) {
            folder.idle(true);
          }
        } catch (Exception e) {
          // the folder closes at the end of the test
        }
      });
      idler.start();
      Thread.sleep(500);
      other.open("Idle").append(MessageMeta.next(Instant.now(), Flags.NONE), new ByteArrayInputStream(CRLF));
      assertTrue(arrived.await(10, TimeUnit.SECONDS), "the IDLE client heard of the new message");
      idling.set(false);
      idler.join(10_000);
      assertFalse(idler.isAlive());
      assertEquals(1, folder.getMessageCount());
      folder.close(false);
    }
  }
}
