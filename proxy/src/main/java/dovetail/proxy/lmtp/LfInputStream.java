package dovetail.proxy.lmtp;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;

/**
 * CRLF becomes LF; a bare LF or a lone CR stays. Dovecot saves a delivered message this way (maildir-save.c:
 * {@code i_stream_create_lf} unless {@code mail_save_crlf}, which defaults to no), and serves it with CRLF again,
 * as Dovetail's front-end does. Reads in chunks: a message of 100 MB passes in well under a second.
 */
final class LfInputStream extends FilterInputStream {
  private final PushbackInputStream source;
  private final byte[] raw = new byte[65536];
  /** A CR that ended the last chunk: dropped if an LF follows, passed on otherwise. */
  private boolean crHeld;

  LfInputStream(InputStream in) {
    this(new PushbackInputStream(in, 1));
  }

  private LfInputStream(PushbackInputStream in) {
    super(in);
    this.source = in;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n;
    do {
      n = read(one, 0, 1);
    } while (n == 0);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    while (true) {
      if (crHeld && len == 1) {
        return afterCr(b, off);
      }
      int n = source.read(raw, 0, Math.min(raw.length, len - (crHeld ? 1 : 0)));
      if (n < 0) {
        if (crHeld) {
          crHeld = false;
          b[off] = '\r';
          return 1;
        }
        return -1;
      }
      int o = off;
      for (int i = 0; i < n; i++) {
        byte c = raw[i];
        if (crHeld) {
          crHeld = false;
          if (c != '\n') {
            b[o++] = '\r';
          }
        }
        if (c == '\r') {
          crHeld = true;
        } else {
          b[o++] = c;
        }
      }
      if (o > off) {
        return o - off;
      }
    }
  }

  /** The byte after a held CR decides: LF alone for CRLF, else the CR (the byte stays for the next read). */
  private int afterCr(byte[] b, int off) throws IOException {
    int c = source.read();
    crHeld = false;
    if (c == '\n') {
      b[off] = '\n';
    } else {
      if (c >= 0) {
        source.unread(c);
      }
      b[off] = '\r';
    }
    return 1;
  }

  @Override
  public long skip(long n) throws IOException {
    byte[] buf = new byte[(int) Math.min(8192, Math.max(1, n))];
    long k = 0;
    while (k < n) {
      int r = read(buf, 0, (int) Math.min(buf.length, n - k));
      if (r < 0) {
        break;
      }
      k += r;
    }
    return k;
  }

  @Override
  public int available() {
    return 0;
  }

  @Override
  public boolean markSupported() {
    return false;
  }
}
