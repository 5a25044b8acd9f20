package dovetail.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ModifiedUtf7Test {
  @Test
  void encodesAsDovecotNamesFoldersOnDisk() {
    assertEquals("Entw&APw-rfe", ModifiedUtf7.encode("Entwürfe"));
    assertEquals("B&AOQ-r", ModifiedUtf7.encode("Bär"));
    assertEquals("Tom &- Jerry", ModifiedUtf7.encode("Tom & Jerry"));
    assertEquals("&ZeVnLIqe-", ModifiedUtf7.encode("日本語"));
    assertEquals("&2D3eAA-", ModifiedUtf7.encode("\uD83D\uDE00"));
  }

  @Test
  void decodesWhatItEncodes() {
    for (String s : new String[] {"Entwürfe", "a&b", "日本語 & Ünïcödé", "\uD83D\uDE00 smile", "~peter/mail/台北"}) {
      assertEquals(s, ModifiedUtf7.decode(ModifiedUtf7.encode(s)));
    }
  }

  @Test
  void refusesInvalidInput() {
    assertThrows(IllegalArgumentException.class, () -> ModifiedUtf7.decode("&AGE-")); // encoded ASCII 'a'
    assertThrows(IllegalArgumentException.class, () -> ModifiedUtf7.decode("&APw"));  // unterminated
    assertThrows(IllegalArgumentException.class, () -> ModifiedUtf7.decode("Entwürfe")); // 8-bit
    assertNull(ModifiedUtf7.decodeOrNull("&&-"));
  }

  /** The answers Dovecot 2.3.19 gave to CREATE with each name (walk-through 13, B7). */
  @Test
  void readsClientNamesAsDovecotDoes() {
    for (String refused : new String[] {"&AGE-", "x&AGEA5A-", "&AOQ-&AOQ-", "&AAA-", "&AO-", "&AOQA-", "&2D3-",
        "&3gA-", "&2D3YAA-", "&AOQ", "&AOQ=-", "a&b-", "&AOQ-&", "B\u00e4r"}) {
      assertThrows(IllegalArgumentException.class, () -> ModifiedUtf7.decodeClientName(refused), refused);
    }
    assertEquals("\u00e4", ModifiedUtf7.decodeClientName("&AOR-")); // padding bits that are not zero: as Dovecot
    assertEquals("\u00e4&\u00e4", ModifiedUtf7.decodeClientName("&AOQ-&-&AOQ-"));
    assertEquals("\u00e4x\u00e4", ModifiedUtf7.decodeClientName("&AOQ-x&AOQ-"));
    assertEquals("\u007f", ModifiedUtf7.decodeClientName("&AH8-"));
    assertEquals("\u001f", ModifiedUtf7.decodeClientName("&AB8-")); // CREATE refuses it later, as Dovecot does
    assertEquals("&", ModifiedUtf7.decodeClientName("&-"));
    assertEquals("\uD83D\uDE00", ModifiedUtf7.decodeClientName("&2D3eAA-"));
    assertEquals("a-\u00e4", ModifiedUtf7.decodeClientName("a-&AOQ-"));
  }
}
