package dovetail.store.maildir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dovetail.store.Flags;
import dovetail.store.StoreException;
import dovetail.store.SystemFlag;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plain record ({@code <uid> :<filename>}) is read straight from the bytes; every other line as before. Both
 * must give what the general reading gives, and refuse what it refuses.
 */
class UidlistRecordParsingTest {
  private static List<UidlistRecord> parse(String records) {
    byte[] data = ("3 V1 N100 G0123456789abcdef0123456789abcdef\n" + records).getBytes(StandardCharsets.UTF_8);
    List<String> warnings = new ArrayList<>();
    return Uidlist.parse(data, "dovecot-uidlist", warnings::add).records();
  }

  @Test
  void plainAndOtherRecordsReadAlike() {
    List<UidlistRecord> r = parse("1 :1.M1P1.host,S=10,W=12\n"
        + "007 :2.M2P2.host\n" // leading zeros: UID 7
        + "9 P:uidl O3 :3.M3P3.host\n" // extensions
        + "10 :4.M4P4.host:2,S\n" // an info part is no part of the base name
        + "11 :5.M5P5.hôst\n" // UTF-8 beyond ASCII
        + "12 :a b\n"
        + "\n");
    assertEquals(List.of(
        new UidlistRecord(1, Map.of(), "1.M1P1.host,S=10,W=12"),
        new UidlistRecord(7, Map.of(), "2.M2P2.host"),
        new UidlistRecord(9, Map.of('P', ":uidl", 'O', "3"), "3.M3P3.host"),
        new UidlistRecord(10, Map.of(), "4.M4P4.host"),
        new UidlistRecord(11, Map.of(), "5.M5P5.hôst"),
        new UidlistRecord(12, Map.of(), "a b")), r);
  }

  @Test
  void brokenRecordsAreRefusedAsBefore() {
    assertThrows(StoreException.class, () -> parse("0 :x\n"), "UID 0");
    assertThrows(StoreException.class, () -> parse("4294967295 :x\n"), "above the highest UID");
    assertThrows(StoreException.class, () -> parse("5 :\n"), "no file name");
    assertThrows(StoreException.class, () -> parse("5 :x\n5 :y\n"), "UIDs not increasing");
  }

  /** A folder's messages share one Flags per combination of letters, keywords included. */
  @Test
  void oneFlagsPerCombinationOfLetters(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve(MaildirKeywords.FILE), "0 $Forwarded\n1 Work\n");
    MaildirKeywords keywords = MaildirKeywords.read(dir);
    Flags flags = keywords.flagsOf("Sab");
    assertEquals(new Flags(java.util.Set.of(SystemFlag.SEEN), java.util.Set.of("$Forwarded", "Work")), flags);
    assertSame(flags, keywords.flagsOf("Sab"));
    assertEquals(Flags.of(SystemFlag.SEEN), keywords.flagsOf("Sz"), "a letter without a name is ignored");
    keywords.assign(List.of("Later"), "INBOX"); // gets letter c
    assertEquals(new Flags(java.util.Set.of(SystemFlag.SEEN), java.util.Set.of("Later")), keywords.flagsOf("Sc"));
  }
}
