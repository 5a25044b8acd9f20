package dovetail.migrator.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FolderNameMapperTest {
  private final FolderNameMapper courier = new FolderNameMapper("INBOX");
  private final FolderNameMapper plain = new FolderNameMapper("");

  @Test
  void prefixAndDotSeparatorAreStripped() {
    assertEquals(Optional.of("Sent"), courier.toLocal("INBOX.Sent", '.'));
    assertEquals(Optional.of("Archive/2024"), courier.toLocal("INBOX.Archive.2024", '.'));
  }

  @Test
  void inboxStaysInboxWhateverThePrefixOrCase() {
    assertEquals(Optional.of("INBOX"), courier.toLocal("INBOX", '.'));
    assertEquals(Optional.of("INBOX"), plain.toLocal("inbox", '/'));
    assertEquals(Optional.of("INBOX"), plain.toLocal("Inbox", '.'));
  }

  @Test
  void namesOutsideThePrefixAreNotTheUsersFolders() {
    assertEquals(Optional.empty(), courier.toLocal("shared.team", '.'));
    assertEquals(Optional.empty(), courier.toLocal("INBOXfoo", '.'));
    assertEquals(Optional.empty(), new FolderNameMapper("Mail").toLocal("Mail", '/'));
    assertEquals(Optional.of("Sent"), new FolderNameMapper("Mail").toLocal("Mail/Sent", '/'));
  }

  @Test
  void theInboxPrefixMatchesInAnyCase() {
    assertEquals(Optional.of("Sent"), courier.toLocal("Inbox.Sent", '.'));
  }

  @Test
  void modifiedUtf7IsDecoded() {
    assertEquals(Optional.of("Entwürfe"), plain.toLocal("Entw&APw-rfe", '/'));
    assertEquals(Optional.of("&"), plain.toLocal("&-", '/'));
    assertEquals(Optional.of("A&B"), plain.toLocal("A&-B", '/'));
    assertEquals(Optional.of("Gesendete Objekte/日本語"), plain.toLocal("Gesendete Objekte/&ZeVnLIqe-", '/'));
    // RFC 3501 5.1.3's own example.
    assertEquals(Optional.of("~peter/mail/台北/日本語"), plain.toLocal("~peter/mail/&U,BTFw-/&ZeVnLIqe-", '/'));
  }

  @Test
  void eachLevelIsDecodedAndSeparatorsBecomeSlashes() {
    assertEquals(Optional.of("Entwürfe/Ä"), courier.toLocal("INBOX.Entw&APw-rfe.&AMQ-", '.'));
  }

  @Test
  void supplementaryCharactersDecodeFromSurrogatePairs() {
    assertEquals(Optional.of("\uD83D\uDCE7 mail"), plain.toLocal("&2D3c5w- mail", '/'));
  }

  @Test
  void invalidModifiedUtf7IsKeptVerbatim() {
    assertEquals(Optional.of("Open&Jjo"), plain.toLocal("Open&Jjo", '/')); // unterminated
    assertEquals(Optional.of("Broken&AGE-"), plain.toLocal("Broken&AGE-", '/')); // shifted ASCII 'a'
    assertEquals(Optional.of("Bad&*-"), plain.toLocal("Bad&*-", '/')); // not base64
  }

  @Test
  void eightBitNamesAreReadAsUtf8WhenTheyAreUtf8() {
    String utf8Octets = new String("Entwürfe".getBytes(java.nio.charset.StandardCharsets.UTF_8),
        java.nio.charset.StandardCharsets.ISO_8859_1);
    assertEquals(Optional.of("Entwürfe"), plain.toLocal(utf8Octets, '/'));
    assertEquals(Optional.of("Entwürfe"), plain.toLocal("Entw\u00fcrfe", '/')); // Latin-1 octet
  }

  @Test
  void onlyTheInvalidLevelIsKeptVerbatim() {
    assertEquals(Optional.of("Entwürfe/Open&Jjo"), plain.toLocal("Entw&APw-rfe/Open&Jjo", '/'));
  }

  @Test
  void aTrailingSeparatorIsNotPartOfTheName() {
    assertEquals(Optional.of("Mail"), plain.toLocal("Mail/", '/'));
  }

  @Test
  void aServerWithoutHierarchyKeepsNamesWhole() {
    assertEquals(Optional.of("a.b"), plain.toLocal("a.b", LegacyFolder.NO_SEPARATOR));
  }

  @Test
  void mapsALegacyFolder() {
    LegacyFolder folder = new LegacyFolder("INBOX.Entw&APw-rfe", '.', Set.of("\\Drafts"), true);
    assertEquals(Optional.of("Entwürfe"), courier.toLocal(folder));
  }

  @Test
  void insideListPrefixIsWhatToLocalStripsAndNeverInboxOrAnEmptyPrefix() {
    assertTrue(courier.insideListPrefix("INBOX.Sent", '.'));
    assertTrue(courier.insideListPrefix("inbox.Sent", '.'));
    assertFalse(courier.insideListPrefix("INBOX", '.'));
    assertFalse(courier.insideListPrefix("shared.team", '.'));
    assertFalse(plain.insideListPrefix("Shared Folders/Announcements", '/'), "no prefix chosen: nothing inside it");
    assertTrue(new FolderNameMapper("Shared Folders").insideListPrefix("Shared Folders/Announcements", '/'));
  }
}
