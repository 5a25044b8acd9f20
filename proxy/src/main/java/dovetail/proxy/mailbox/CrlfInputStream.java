package dovetail.proxy.mailbox;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Turns every bare LF into CRLF, as Dovecot does when it serves a Maildir file (its istream-crlf): the
 * bytes a client fetches, and RFC822.SIZE (the `,W=` virtual size), count a bare LF as two bytes.
 */
public final class CrlfInputStream extends FilterInputStream {
  private final byte[] raw = new byte[16384];
  private int rawPos;
  private int rawLen;
  private int previous = -1;
  private boolean pendingLf;

  public CrlfInputStream(InputStream in) {
    super(in);
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] buf, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    int n = 0;
    if (pendingLf) {
      buf[off + n++] = '\n';
      pendingLf = false;
      previous = '\n';
    }
    while (n < len) {
      if (rawPos == rawLen) {
        if (n > 0) {
          break;
        }
        rawLen = Math.max(in.read(raw), 0);
        rawPos = 0;
        if (rawLen == 0) {
          return -1;
        }
      }
      byte b = raw[rawPos++];
      if (b == '\n' && previous != '\r') {
        buf[off + n++] = '\r';
        if (n < len) {
          buf[off + n++] = '\n';
          previous = '\n';
        } else {
          pendingLf = true;
          previous = '\r';
        }
        continue;
      }
      buf[off + n++] = b;
      previous = b;
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    byte[] sink = new byte[8192];
    long skipped = 0;
    while (skipped < n) {
      int r = read(sink, 0, (int) Math.min(sink.length, n - skipped));
      if (r < 0) {
        break;
      }
      skipped += r;
    }
    return skipped;
  }

  @Override
  public int available() throws IOException {
    return (pendingLf ? 1 : 0) + (rawLen - rawPos);
  }

  @Override
  public boolean markSupported() {
    return false;
  }
}
