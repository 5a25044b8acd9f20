package dovetail.proxy.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Base subjects (RFC 5256 §2.1), first addresses (RFC 5322 §3.4) and the casemap collation (RFC 5051). */
class SortKeysTest {
  @Test
  void baseSubjectDropsReplyAndForwardMarkersAndTags() {
    assertEquals("HELLO", BaseSubject.of("Re: hello"));
    assertEquals("HELLO", BaseSubject.of("Fwd: [list] Hello (fwd)"));
    assertEquals("HELLO", BaseSubject.of("[fwd: RE: Hello]"));
    assertEquals("HELLO", BaseSubject.of("[fwd: [fwd: Re: Hello (fwd)]]"));
    assertEquals("ZETA", BaseSubject.of("re: [tag] Re[2]: zeta"));
    assertEquals("APPLE", BaseSubject.of("[PATCH] [v2] apple"));
    assertEquals("[ONLY A TAG]", BaseSubject.of("[only a tag]"), "a blob stays when nothing would be left");
    assertEquals("BANANA", BaseSubject.of("Re: re: RE:\t Banana  "));
    assertEquals("RE", BaseSubject.of("re"), "no colon, no marker");
    assertEquals("", BaseSubject.of(""));
  }

  @Test
  void baseSubjectDecodesEncodedWordsAndFoldsCase() {
    assertEquals(UnicodeCasemap.key("RÉSUMÉ"), BaseSubject.of("=?UTF-8?Q?R=C3=A9sum=C3=A9?="));
    assertEquals(BaseSubject.of("=?UTF-8?Q?R=C3=A9sum=C3=A9?="), BaseSubject.of("  Re:   Fw: r\u00e9sum\u00e9  "));
    assertEquals(UnicodeCasemap.key("ÄRGER"), BaseSubject.of("=?ISO-8859-1?B?xHJnZXI=?="));
  }

  @Test
  void firstAddressInEveryShape() {
    assertEquals(new FirstAddress("Zed", "zed", "example.org"), FirstAddress.parse("Zed <zed@example.org>").orElseThrow());
    assertEquals(new FirstAddress("Doe, Jane", "jane", "example.org"),
        FirstAddress.parse("\"Doe, Jane\" <jane@example.org>").orElseThrow());
    assertEquals(new FirstAddress("Bobby Tables", "bob", "example.org"),
        FirstAddress.parse("bob@example.org (Bobby Tables)").orElseThrow());
    assertEquals(new FirstAddress("", "undisclosed-recipients", ""),
        FirstAddress.parse("undisclosed-recipients:;").orElseThrow());
    assertEquals("carl", FirstAddress.parse("carl@example.org, aaron@example.org").orElseThrow().mailbox());
    assertEquals(new FirstAddress("Mary Smith", "mary", "example.net"),
        FirstAddress.parse("Mary Smith <@relay.example:mary@example.net>").orElseThrow());
    assertEquals("quoted local", FirstAddress.parse("\"quoted local\"@example.org").orElseThrow().mailbox());
    assertEquals("first.last", FirstAddress.parse("John Q. Public <first.last@example.org>").orElseThrow().mailbox());
    assertEquals("John Q. Public", FirstAddress.parse("John Q. Public <first.last@example.org>").orElseThrow().name());
    assertTrue(FirstAddress.parse("").isEmpty());
  }

  @Test
  void displayNameIsDecodedOrElseTheAddress() {
    assertEquals("\u00c9mile", FirstAddress.parse("=?UTF-8?Q?=C3=89mile?= <emile@example.fr>").orElseThrow().displayName());
    assertEquals("anna@example.org", FirstAddress.parse("<anna@example.org>").orElseThrow().displayName());
    assertEquals("Bobby Tables", FirstAddress.parse("bob@example.org (Bobby Tables)").orElseThrow().displayName());
  }

  @Test
  void casemapIgnoresCaseAndComposition() {
    assertEquals(UnicodeCasemap.key("\u00e9"), UnicodeCasemap.key("E\u0301"));
    assertEquals(UnicodeCasemap.key("alice"), UnicodeCasemap.key("ALICE"));
    // decomposed, "\u00e1bc" is "A" U+0301 "BC": the accent (U+0301) sorts after every ASCII letter
    assertTrue(UnicodeCasemap.compare(UnicodeCasemap.key("\u00e1bc"), UnicodeCasemap.key("Abd")) > 0);
    assertTrue(UnicodeCasemap.compare("\uffff", "\ud83d\ude00") < 0, "code point order above U+FFFF");
  }
}
