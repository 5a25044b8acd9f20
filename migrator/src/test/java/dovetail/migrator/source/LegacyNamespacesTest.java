package dovetail.migrator.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dovetail.migrator.source.LegacyNamespaces.Kind;
import java.util.Optional;
import org.eclipse.angus.mail.iap.ProtocolException;
import org.eclipse.angus.mail.imap.protocol.IMAPResponse;
import org.junit.jupiter.api.Test;

/** NAMESPACE answers of real servers (RFC 2342), and which listed names they make someone else's. */
class LegacyNamespacesTest {
  private static LegacyNamespaces parse(String response) throws Exception {
    return LegacyNamespaces.parse(new IMAPResponse(response));
  }

  private static Optional<Kind> foreign(LegacyNamespaces ns, String name) {
    return ns.foreign(name).map(LegacyNamespaces.Namespace::kind);
  }

  @Test
  void cyrusAltNamespacePersonalWithoutPrefix() throws Exception {
    LegacyNamespaces ns = parse("* NAMESPACE ((\"\" \"/\")) ((\"Other Users/\" \"/\")) ((\"Shared Folders/\" \"/\"))");
    assertEquals(3, ns.all().size());
    assertEquals(Optional.empty(), foreign(ns, "INBOX"));
    assertEquals(Optional.empty(), foreign(ns, "Sent"));
    assertEquals(Optional.empty(), foreign(ns, "Other Usersx"), "a prefix is matched at a separator");
    assertEquals(Optional.of(Kind.OTHER_USERS), foreign(ns, "Other Users/carol/Public"));
    assertEquals(Optional.of(Kind.OTHER_USERS), foreign(ns, "Other Users"), "the prefix itself, as a \\Noselect");
    assertEquals(Optional.of(Kind.SHARED), foreign(ns, "Shared Folders/Announcements"));
  }

  @Test
  void cyrusClassicSharedWithoutPrefixLeavesInboxChildrenPersonal() throws Exception {
    LegacyNamespaces ns = parse("* NAMESPACE ((\"INBOX.\" \".\")) ((\"user.\" \".\")) ((\"\" \".\"))");
    assertEquals(Optional.empty(), foreign(ns, "INBOX"));
    assertEquals(Optional.empty(), foreign(ns, "INBOX.Sent"), "the longest prefix decides");
    assertEquals(Optional.empty(), foreign(ns, "inbox.Sent"), "INBOX is case-insensitive");
    assertEquals(Optional.of(Kind.OTHER_USERS), foreign(ns, "user.carol.Public"));
    assertEquals(Optional.of(Kind.SHARED), foreign(ns, "Announcements"));
  }

  @Test
  void courierWithTwoSharedPrefixesAndDovecotWithExtensions() throws Exception {
    LegacyNamespaces courier = parse("* NAMESPACE ((\"INBOX.\" \".\")) NIL ((\"#shared.\" \".\")(\"shared.\" \".\"))");
    assertEquals(Optional.of(Kind.SHARED), foreign(courier, "shared.Team"));
    assertEquals(Optional.of(Kind.SHARED), foreign(courier, "#shared.Team"));
    assertEquals(Optional.empty(), foreign(courier, "INBOX.shared"));
    assertEquals(Optional.empty(), foreign(courier, "Elsewhere"), "no namespace holds it: as before");

    LegacyNamespaces dovecot = parse("* NAMESPACE ((\"\" \"/\" \"X-PARAM\" (\"a\" \"b\"))) "
        + "((\"Shared/\" \"/\")) ((\"Public/\" NIL))");
    assertEquals(Optional.of(Kind.OTHER_USERS), foreign(dovecot, "Shared/bob/INBOX"));
    assertEquals(Optional.of(Kind.SHARED), foreign(dovecot, "Public/"));
    assertEquals(LegacyFolder.NO_SEPARATOR, dovecot.all().get(2).separator());
  }

  @Test
  void personalWinsATieAndAMalformedAnswerIsRefused() throws Exception {
    LegacyNamespaces tie = parse("* NAMESPACE ((\"\" \"/\")) NIL ((\"\" \"/\"))");
    assertEquals(Optional.empty(), foreign(tie, "Anything"));
    assertThrows(ProtocolException.class, () -> parse("* NAMESPACE ((\"\" \"/\")) garbage NIL"));
  }

  /** Without a personal namespace nothing tells the user's own folders apart: the listing ignores NAMESPACE then. */
  @Test
  void anAnswerWithoutAPersonalNamespaceSaysSo() throws Exception {
    assertFalse(parse("* NAMESPACE NIL NIL ((\"\" \".\"))").hasPersonal());
    assertTrue(parse("* NAMESPACE ((\"\" \".\")) NIL NIL").hasPersonal());
  }
}
