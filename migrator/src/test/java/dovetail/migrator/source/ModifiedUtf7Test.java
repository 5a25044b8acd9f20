package dovetail.migrator.source;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ModifiedUtf7Test {
  @Test
  void plainAsciiIsItself() {
    assertEquals(Optional.of("Sent Items"), ModifiedUtf7.decode("Sent Items"));
  }

  @Test
  void ampersandDashIsAnAmpersand() {
    assertEquals(Optional.of("&"), ModifiedUtf7.decode("&-"));
    assertEquals(Optional.of("a&&b"), ModifiedUtf7.decode("a&-&-b"));
  }

  @Test
  void shiftedRunsDecodeToUtf16() {
    assertEquals(Optional.of("ü"), ModifiedUtf7.decode("&APw-"));
    assertEquals(Optional.of("日本語"), ModifiedUtf7.decode("&ZeVnLIqe-"));
  }

  @Test
  void anythingAConformingEncoderCannotProduceIsInvalid() {
    assertEquals(Optional.empty(), ModifiedUtf7.decode("&APw")); // unterminated
    assertEquals(Optional.empty(), ModifiedUtf7.decode("&AGE-")); // shifted ASCII
    assertEquals(Optional.empty(), ModifiedUtf7.decode("&APx-")); // non-zero padding bits
    assertEquals(Optional.empty(), ModifiedUtf7.decode("&AP-")); // too many leftover bits
    assertEquals(Optional.empty(), ModifiedUtf7.decode("&2D0-")); // lone high surrogate
    assertEquals(Optional.empty(), ModifiedUtf7.decode("&3KcAIA-")); // lone low surrogate
    assertEquals(Optional.empty(), ModifiedUtf7.decode("a\u00e4")); // 8-bit octet
    assertEquals(Optional.empty(), ModifiedUtf7.decode("tab\there")); // control
    assertEquals(Optional.empty(), ModifiedUtf7.decode("&AP/8-")); // '/' is not modified base64
  }
}
