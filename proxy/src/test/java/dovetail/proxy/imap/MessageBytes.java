package dovetail.proxy.imap;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Test messages as exact bytes: UTF-8 and Latin-1 pieces side by side, as 8-bit mail mixes them. */
final class MessageBytes {
  private MessageBytes() {}

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] latin1(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
