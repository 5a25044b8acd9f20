package dovetail.migrator.pop3;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dovetail.migrator.pop3.Pop3UidlMatcher.ImapMessage;
import dovetail.migrator.pop3.Pop3UidlMatcher.Match;
import dovetail.migrator.pop3.Pop3UidlMatcher.Result;
import dovetail.migrator.source.LegacyImapEndpoint;
import dovetail.migrator.source.LegacyImapEndpoint.MasterLoginStyle;
import dovetail.migrator.source.LegacyImapSession;
import dovetail.migrator.source.LegacyImapSource;
import dovetail.migrator.source.FetchLimits;
import dovetail.migrator.source.LegacyMessageInfo;
import dovetail.migrator.source.LegacyPop3Endpoint;
import dovetail.migrator.source.LegacyPop3Message;
import dovetail.migrator.source.LegacyPop3Session;
import dovetail.store.Flags;
import dovetail.store.MailStore;
import dovetail.store.Mailbox;
import dovetail.store.MessageMeta;
import dovetail.store.StoreOptions;
import dovetail.store.dovecot.DovecotServer;
import dovetail.store.maildir.MaildirStore;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real Dovecot as the legacy server, its INBOX written by the store with chosen UIDs, POP3 UIDLs and a POP3
 * order unlike the UID order, plus two messages of equal size: the matcher must recover every UIDL and
 * position through a master-user POP3 session (AUTH PLAIN with the user as authorization id).
 */
class Pop3UidlMatchingDovecotIT {
  private static final long UIDVALIDITY = 1234567;

  @TempDir static Path work;
  private static DovecotServer legacy;

  @BeforeAll
  static void legacyServer() {
    DovecotServer.assumeInstalled();
    MailStore store = MaildirStore.open(DovecotServer.maildir(work, "alice"), StoreOptions.DEFAULT);
    Mailbox inbox = store.create("INBOX", UIDVALIDITY, 1);
    add(inbox, 5, "Subject: five\r\n\r\nshort\r\n", "UIDL-five", 2);
    add(inbox, 17, "Subject: seventeen\r\nX-Pad: xxxxxxxx\r\n\r\nlonger body\r\n", null, 1);
    add(inbox, 100, "Subject: same-size-a\r\n\r\nequal\r\n", "same-a", 3);
    add(inbox, 101, "Subject: same-size-b\r\n\r\nequal\r\n", "same-b", 4);
    inbox.raiseNextUid(200);
    legacy = DovecotServer.builder(work).user("alice", "alice-pw").masterUser("master", "master-pw")
        .pop3UidlFormat("%08Xu%08Xv").noSpecialUse().start();
  }

  private static void add(Mailbox box, long uid, String text, String uidl, long order) {
    MessageMeta meta = MessageMeta.withUid(uid, Instant.parse("2022-01-01T00:00:00Z"), Flags.NONE);
    box.append(uidl == null ? meta.withPop3(null, order) : meta.withPop3(uidl, order),
        new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII)));
  }

  @AfterAll
  static void stop() {
    if (legacy != null) {
      legacy.close();
    }
  }

  @Test
  void everyUidlAndPositionIsRecoveredBySizesAndHeaderHashes() {
    LegacyImapEndpoint imapc = LegacyImapEndpoint.builder("127.0.0.1").port(legacy.imapPort())
        .masterUser("master", MasterLoginStyle.SASL).password("master-pw").features(Set.of("rfc822.size")).build();
    LegacyPop3Endpoint pop3c = LegacyPop3Endpoint.plain("127.0.0.1", legacy.pop3Port(), "unused")
        .withMaster("master", "master-pw");
    try (LegacyImapSession imap = LegacyImapSource.create(imapc, FetchLimits.defaults()).open("alice")) {
      imap.examine("INBOX");
      List<ImapMessage> imapMessages = imap.fetchMetadata("INBOX", 1).stream()
          .map((LegacyMessageInfo m) -> new ImapMessage(m.uid(), m.rfc822Size())).toList();
      // All IMAP work first, then the POP3 session (it must not idle while IMAP runs).
      Map<Long, byte[]> imapHeaders = imap.fetchHeaders("INBOX", imapMessages.stream().map(ImapMessage::uid).toList());
      try (LegacyPop3Session pop3 = LegacyPop3Session.open(pop3c, "alice")) {
        List<LegacyPop3Message> listing = pop3.list();
        assertEquals(List.of("000000110012d687", "UIDL-five", "same-a", "same-b"),
            listing.stream().map(LegacyPop3Message::uidl).toList(), "Dovecot's POP3 order follows O");
        Result result = Pop3UidlMatcher.match(imapMessages, listing, Pop3UidlMatcher.Headers.of(imapHeaders, pop3::headers), false);
        assertEquals(Map.of(5L, new Match("UIDL-five", 2), 17L, new Match("000000110012d687", 1),
            100L, new Match("same-a", 3), 101L, new Match("same-b", 4)), result.byUid());
        assertEquals(List.of(), result.missingInImap());
        assertEquals(List.of(), result.withoutUidl());
      }
    }
    assertEquals(List.of(), legacy.logProblems());
  }

  @Test
  void aWrongMasterPasswordIsAnAuthenticationFailure() {
    LegacyPop3Endpoint pop3c = LegacyPop3Endpoint.plain("127.0.0.1", legacy.pop3Port(), "x").withMaster("master", "wrong");
    dovetail.migrator.source.LegacyException e = org.junit.jupiter.api.Assertions.assertThrows(
        dovetail.migrator.source.LegacyException.class, () -> LegacyPop3Session.open(pop3c, "alice"));
    assertEquals(dovetail.migrator.source.LegacyException.Kind.AUTH_FAILED, e.kind());
  }
}
