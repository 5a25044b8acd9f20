package dovetail.proxy.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dovetail.proxy.auth.PasswordSchemes.Result;
import org.junit.jupiter.api.Test;

/** Hashes made by Dovecot 2.3's {@code doveadm pw -s SCHEME -p secret}. */
class PasswordSchemesTest {
  static final String BLF = "{BLF-CRYPT}$2y$05$wOk/pzAamThcoX146USEZeA5FgUObnABCRejWgAsLjFH0hBBYL4Zu";
  static final String SHA512 = "{SHA512-CRYPT}$6$vZvJASKzs/BB6BUY$4J5RbP1SWadwa7KS5xslOsUB8soIJkk.NMjWI207hvOoooFjApzBLncAgKgzQ.HDI4C8IZhYtHF2pSU1F9uBv0";
  static final String SHA256 = "{SHA256-CRYPT}$5$jykEAhFTxebYhHEI$fhcwJ/aUNMIf2D5VHSen6uDC.HjU/g5OTZhnZXsttV.";

  @Test
  void dovecotHashesVerify() {
    for (String stored : new String[] {BLF, SHA512, SHA256, "{PLAIN}secret", "{plain}secret", "{CLEARTEXT}secret"}) {
      assertEquals(Result.MATCH, PasswordSchemes.verify(stored, "secret"), stored);
      assertEquals(Result.MISMATCH, PasswordSchemes.verify(stored, "Secret"), stored);
    }
  }

  @Test
  void withoutSchemeTheHashPrefixDecides() {
    assertEquals(Result.MATCH, PasswordSchemes.verify(SHA512.substring("{SHA512-CRYPT}".length()), "secret"));
    assertEquals(Result.MATCH, PasswordSchemes.verify(BLF.substring("{BLF-CRYPT}".length()), "secret"));
  }

  @Test
  void unknownSchemesAreNotGuessed() {
    assertEquals(Result.UNSUPPORTED, PasswordSchemes.verify("{ARGON2ID}$argon2id$v=19$m=65536", "secret"));
    assertEquals(Result.UNSUPPORTED, PasswordSchemes.verify("{PLAIN", "secret"));
  }

  @Test
  void anEmptyHashNeverMatches() {
    assertEquals(Result.MISMATCH, PasswordSchemes.verify("{SHA512-CRYPT}", ""));
    assertEquals(Result.MISMATCH, PasswordSchemes.verify("{PLAIN}", "x"));
  }
}
