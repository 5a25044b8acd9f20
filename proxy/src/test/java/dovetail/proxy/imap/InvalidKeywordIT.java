package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.store.Flags;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A keyword is an atom (RFC 3501 §9). Before, STORE and APPEND took {@code foo]}, {@code f%o} or {@code \Foo} as
 * keywords, stored them in the folder's keyword list and announced them in FLAGS, which a client cannot parse
 * back. Now they are refused as Dovecot 2.3 refuses them, and nothing is stored.
 */
class InvalidKeywordIT {
  @TempDir Path dir;

  @Test
  void storeRefusesWhatIsNotAKeyword() throws Exception {
    try (SelectedStateFixture f = new SelectedStateFixture(dir); RawImap imap = f.login()) {
      assertTrue(RawImap.last(imap.command("SELECT INBOX")).contains(" OK "));
      for (String bad : new String[] {"foo]", "f%o", "a*b", "x\"y"}) {
        List<String> reply = imap.command("STORE 1 +FLAGS (" + bad + ")");
        assertTrue(RawImap.last(reply).endsWith(" NO [CANNOT] Invalid characters in keyword."), reply.toString());
        assertEquals(1, reply.size(), "no FLAGS announcement: " + reply);
      }
      List<String> system = imap.command("STORE 1 +FLAGS (\\Foo)");
      assertTrue(RawImap.last(system).contains(" BAD ") && RawImap.last(system).contains("\\FOO"), system.toString());
      List<String> eightBit = imap.command("STORE 1 +FLAGS (f\u00f6)");
      assertTrue(RawImap.last(eightBit).contains(" BAD "), eightBit.toString());

      assertTrue(RawImap.last(imap.command("STORE 1 +FLAGS ($Label1 ok$kw)")).contains(" OK "));
      assertEquals(Set.of("$Label1", "ok$kw"), f.messages("INBOX").get(0).flags().keywords());
    }
  }

  @Test
  void appendWithAnInvalidKeywordStoresNothing() throws Exception {
    try (SelectedStateFixture f = new SelectedStateFixture(dir); RawImap imap = f.login()) {
      byte[] message = "Subject: x\r\n\r\nx\r\n".getBytes(StandardCharsets.US_ASCII);
      List<String> reply = imap.append("Other", "(\\Seen bad])", message);
      assertTrue(RawImap.last(reply).contains(" NO [CANNOT] "), reply.toString());
      assertEquals(0, f.messages("Other").size());
      assertTrue(RawImap.last(imap.command("NOOP")).contains(" OK "), "the session goes on");
      assertTrue(RawImap.last(imap.append("Other", "(\\Seen good)", message)).contains(" OK "));
      assertEquals(Flags.NONE.withKeywords("good").keywords(), f.messages("Other").get(0).flags().keywords());
    }
  }

  /** Dovecot refuses a keyword longer than 50 characters (mail_max_keyword_length); it was stored before. */
  @Test
  void aKeywordLongerThanDovecotAllowsIsRefused() throws Exception {
    try (SelectedStateFixture f = new SelectedStateFixture(dir); RawImap imap = f.login()) {
      assertTrue(RawImap.last(imap.command("SELECT INBOX")).contains(" OK "));
      String tooLong = "k".repeat(51);
      List<String> reply = imap.command("STORE 1 +FLAGS (" + tooLong + ")");
      assertEquals(List.of("a3 NO [CANNOT] Keyword length too long."), reply);
      assertTrue(RawImap.last(imap.command("STORE 1 +FLAGS (" + tooLong.substring(1) + ")")).contains(" OK "));
      assertEquals(Set.of(tooLong.substring(1)), f.messages("INBOX").get(0).flags().keywords());
    }
  }

  /** REPLACE (RFC 8508) takes flags as APPEND does: an invalid keyword refuses it, and nothing is replaced. */
  @Test
  void replaceWithAnInvalidKeywordReplacesNothing() throws Exception {
    try (SelectedStateFixture f = new SelectedStateFixture(dir); RawImap imap = f.login()) {
      assertTrue(RawImap.last(imap.command("SELECT INBOX")).contains(" OK "));
      byte[] message = "Subject: x\r\n\r\nx\r\n".getBytes(StandardCharsets.US_ASCII);
      List<String> reply = imap.commandWithLiteral("REPLACE 1 Other (bad])", message);
      assertTrue(RawImap.last(reply).endsWith(" NO [CANNOT] Invalid characters in keyword."), reply.toString());
      assertEquals(3, f.messages("INBOX").size(), "message 1 is still there");
      assertEquals(0, f.messages("Other").size());
    }
  }
}
