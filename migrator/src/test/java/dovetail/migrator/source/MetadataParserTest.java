package dovetail.migrator.source;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.util.Set;
import org.eclipse.angus.mail.iap.ByteArray;
import org.junit.jupiter.api.Test;

class MetadataParserTest {
  @Test
  void dovecotsAnswerWithASpacePaddedDay() {
    LegacyMessageInfo info = new MetadataParser(true).parse(raw(
        "* 1 FETCH (UID 5 FLAGS (\\Seen \\Recent $Label1) INTERNALDATE \" 1-Feb-2021 10:11:12 +0100\" RFC822.SIZE 18)\r\n"));
    assertEquals(new LegacyMessageInfo(5, Set.of("\\Seen"), Set.of("$Label1"),
        Instant.parse("2021-02-01T09:11:12Z"), 18), info);
  }

  @Test
  void itemsInAnyOrderAndCaseSystemFlagsCanonicalOthersAsSent() {
    LegacyMessageInfo info = new MetadataParser(true).parse(raw("* 2 fetch (internaldate \"31-dec-1999 23:59:59 -0830\" "
        + "MODSEQ (7) rfc822.size 0 flags (\\SEEN \\answered \\Flagged \\Deleted \\Draft \\Sent NonJunk) uid 4294967295)\r\n"));
    assertEquals(new LegacyMessageInfo(4294967295L, Set.of("\\Seen", "\\Answered", "\\Flagged", "\\Deleted", "\\Draft", "\\Sent"),
        Set.of("NonJunk"), Instant.parse("2000-01-01T08:29:59Z"), 0), info);
  }

  @Test
  void withoutSizeWhenNotAskedForAndEmptyFlags() {
    LegacyMessageInfo info = new MetadataParser(false).parse(raw(
        "* 3 FETCH (UID 9 FLAGS () INTERNALDATE \"09-Mar-2024 00:00:00 +0000\")\r\n"));
    assertEquals(new LegacyMessageInfo(9, Set.of(), Set.of(), Instant.parse("2024-03-09T00:00:00Z"),
        LegacyMessageInfo.SIZE_UNKNOWN), info);
  }

  @Test
  void everythingElseIsLeftToAngus() {
    String date = " INTERNALDATE \"09-Mar-2024 00:00:00 +0000\"";
    for (String other : new String[] {
        "a1 OK done\r\n",
        "* 5 EXISTS\r\n",
        "* 3 FETCH (FLAGS (\\Seen))\r\n",
        "* 3 FETCH (UID 9 FLAGS ()" + date + ")\r\n", // no RFC822.SIZE although asked for
        "* 3 FETCH (UID 9 RFC822.SIZE 3" + date + ")\r\n", // no FLAGS
        "* 3 FETCH (UID 9 FLAGS () RFC822.SIZE 3)\r\n", // no INTERNALDATE
        "* 3 FETCH (FLAGS ()" + date + " RFC822.SIZE 3)\r\n", // no UID
        "* 3 FETCH (UID 9 FLAGS () INTERNALDATE \"31-Feb-2024 00:00:00 +0000\" RFC822.SIZE 3)\r\n",
        "* 3 FETCH (UID 9 FLAGS () INTERNALDATE \"09-Mrz-2024 00:00:00 +0000\" RFC822.SIZE 3)\r\n",
        "* 3 FETCH (UID 9 FLAGS () INTERNALDATE \"09-Mar-2024 24:00:00 +0000\" RFC822.SIZE 3)\r\n",
        "* 3 FETCH (UID 9 FLAGS () INTERNALDATE \"09-Mar-2024 00:00:00 0000\" RFC822.SIZE 3)\r\n",
        "* 3 FETCH (UID 9 FLAGS () INTERNALDATE \"09-Mar-2024 00:00:00 +0000 \" RFC822.SIZE 3)\r\n",
        "* 3 FETCH (UID 9 FLAGS (\"quoted\")" + date + " RFC822.SIZE 3)\r\n",
        "* 3 FETCH (UID 9 FLAGS (caf\u00e9)" + date + " RFC822.SIZE 3)\r\n",
        "* 3 FETCH (UID 9 FLAGS ()" + date + " RFC822.SIZE 3 BODY[] {1}\r\nx)\r\n",
        "* 3 FETCH (UID 9 FLAGS ()" + date + " RFC822.SIZE 3) \r\n",
        "* 3 FETCH (UID 9 FLAGS ()" + date + " RFC822.SIZE 3)",
    }) {
      assertNull(new MetadataParser(true).parse(raw(other)), other);
    }
  }

  private static ByteArray raw(String response) {
    byte[] b = response.getBytes(ISO_8859_1);
    return new ByteArray(b, 0, b.length);
  }
}
