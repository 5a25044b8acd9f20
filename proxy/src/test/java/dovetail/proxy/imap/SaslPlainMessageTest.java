package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SaslPlainMessageTest {
  private static String b64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }

  private static String b64(String s) {
    return b64(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void theThreeFieldsAreReadAsUtf8() {
    assertEquals(Optional.of(new SaslPlainMessage(Optional.empty(), "jürgen", "pässwörd€")),
        SaslPlainMessage.decode(b64("\0jürgen\0pässwörd€")));
    assertEquals(Optional.of(new SaslPlainMessage(Optional.of("alice"), "master", "m s")),
        SaslPlainMessage.decode(b64("alice\0master\0m s")));
    assertEquals(Optional.of(new SaslPlainMessage(Optional.empty(), "bob", "pw")),
        SaslPlainMessage.decode(b64("bob\0bob\0pw")), "naming oneself is no delegation");
  }

  @Test
  void aMalformedMessageIsNone() {
    assertEquals(Optional.empty(), SaslPlainMessage.decode("not base64!"));
    assertEquals(Optional.empty(), SaslPlainMessage.decode(b64("bob\0pw")));
    assertEquals(Optional.empty(), SaslPlainMessage.decode(b64("a\0b\0c\0d")));
    assertEquals(Optional.empty(), SaslPlainMessage.decode(b64("\0\0pw")));
    assertEquals(Optional.empty(), SaslPlainMessage.decode(b64("\0bob\0")));
    assertEquals(Optional.empty(), SaslPlainMessage.decode(b64(new byte[] {0, 'b', 0, (byte) 0xff, 'x'})),
        "not UTF-8");
  }
}
