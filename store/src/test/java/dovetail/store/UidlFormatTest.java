package dovetail.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** pop3_uidl_format expanded as Dovecot's var_expand does (src/lib/var-expand.c). */
class UidlFormatTest {
  private static final StoredMessage M = new StoredMessage(0x1F, Flags.NONE, Instant.EPOCH, 10, 12, null, 0,
      "6b2c6a0b1c", "1700000000.M1P2.host,S=10,W=12");

  @Test
  void dovecotsDefaultIsUidThenUidvalidityInZeroPaddedLowerCaseHex() {
    // m_str_hex prints "%llx": lower case, although the modifier is a capital X.
    assertEquals("0000001fabcdef12", UidlFormat.parse("%08Xu%08Xv").expand(0xABCDEF12L, M));
  }

  @Test
  void otherVariablesModifiersAndWidths() {
    assertEquals("31.2882400018", UidlFormat.parse("%u.%v").expand(0xABCDEF12L, M));
    assertEquals("1700000000.M1P2.host,S=10,W=12", UidlFormat.parse("%f").expand(1, M));
    assertEquals("6B2C6A0B1C-6b2c", UidlFormat.parse("%Ug-%4g").expand(1, M), "a width without 0 truncates");
    assertEquals("1F", UidlFormat.parse("%XUu").expand(1, M), "modifiers apply in the order written");
    assertEquals("1f", UidlFormat.parse("%UXu").expand(1, M), "U first, on the decimal UID, then X");
    assertEquals("100%", UidlFormat.parse("100%%").expand(1, M));
  }

  @Test
  void aStoredUidlWinsAndAnEmptyOneIsTheBaseFilename() {
    UidlFormat f = UidlFormat.parse("%u.%v");
    assertEquals("31.7", f.uidl(7, M));
    assertEquals("kept", f.uidl(7, withP("kept")));
    assertEquals("1700000000.M1P2.host,S=10,W=12", f.uidl(7, withP("")));
  }

  @Test
  void onlyFormatsWithFOrGDependOnTheFile() {
    for (String format : new String[] {"%f", "%g", "%Lg", "%Xf", "%4g-%u", "x%UXg"}) {
      assertTrue(UidlFormat.parse(format).perFile(), format);
      assertEquals(null, UidlFormat.parse(format).forUid(7, 31), format);
    }
    for (String format : new String[] {"%08Xu%08Xv", "%v.%u", "%v", "100%%f"}) {
      assertFalse(UidlFormat.parse(format).perFile(), format);
    }
    assertEquals("7.31", UidlFormat.parse("%v.%u").forUid(7, 31));
  }

  private static StoredMessage withP(String p) {
    return new StoredMessage(M.uid(), M.flags(), M.internalDate(), M.size(), M.virtualSize(), p, 0, M.guid(),
        M.baseName());
  }

  @Test
  void aFormatThatNeedsDovecotsIndexIsRefusedAtStartRatherThanInventingUidls() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> UidlFormat.parse("%m"));
    assertTrue(e.getMessage().startsWith("pop3_uidl_format: %m is not supported"), e.getMessage());
  }
}
