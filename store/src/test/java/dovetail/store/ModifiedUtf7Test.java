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
}
