package dovetail.proxy.lmtp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/** A delivered message as stored, read as a stream: past the trace headers Dovetail adds, and digested. */
final class StoredBody {
  /** Return-Path, Delivered-To and the three lines of Received (Dovecot's trace headers), in that order. */
  private static final List<String> TRACE = List.of("Return-Path: <", "Delivered-To: ", "Received: from ", "\tby ",
      "\tfor <");

  private StoredBody() {}

  /** Reads past the trace headers (checking each), so that what is left is the message as the client sent it. */
  static void skipTraceHeaders(InputStream in) throws IOException {
    for (String start : TRACE) {
      String line = line(in);
      assertTrue(line.startsWith(start), "expected " + start + ", found " + line);
    }
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int b = in.read(); b >= 0 && b != '\n' && sb.length() < 1000; b = in.read()) {
      sb.append((char) b);
    }
    return sb.toString();
  }

  /** Size and SHA-256 of what is left in {@code in}, read in chunks (messages may be larger than the heap). */
  static String sha256(InputStream in) throws IOException {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    byte[] buf = new byte[1 << 16];
    long total = 0;
    for (int n; (n = in.read(buf)) > 0; ) {
      sha.update(buf, 0, n);
      total += n;
    }
    return total + " bytes, sha256 " + HexFormat.of().formatHex(sha.digest());
  }
}
