package dovetail.migrator.copy;

import java.io.IOException;
import java.io.InputStream;

/**
 * A legacy body on its way into the store: counts the bytes and remembers whether the source (not the
 * store) failed, and lets the first bytes be looked at before the store reads them.
 */
final class SourceStream extends InputStream {
  private final InputStream source;
  private final byte[] head = new byte[2];
  private int headLength;
  private int headPosition;
  private long count;
  private boolean sourceFailed;

  SourceStream(InputStream source) {
    this.source = source;
  }

  /** Reads up to two bytes ahead; they are read again by the store. Returns how many there are. */
  int peek() throws IOException {
    while (headLength < head.length) {
      int b = readSource();
      if (b < 0) {
        break;
      }
      head[headLength++] = (byte) b;
    }
    return headLength;
  }

  /** Whether the message is empty, or starts with a blank line, i.e. has no header (after {@link #peek}). */
  boolean noHeader() {
    return headLength == 0 || head[0] == '\n' || (headLength == 2 && head[0] == '\r' && head[1] == '\n');
  }

  long count() {
    return count;
  }

  boolean sourceFailed() {
    return sourceFailed;
  }

  @Override
  public int read() throws IOException {
    if (headPosition < headLength) {
      count++;
      return head[headPosition++] & 0xff;
    }
    int b = readSource();
    if (b >= 0) {
      count++;
    }
    return b;
  }

  @Override
  public int read(byte[] into, int offset, int length) throws IOException {
    if (length == 0) {
      return 0;
    }
    if (headPosition < headLength) {
      int n = Math.min(length, headLength - headPosition);
      System.arraycopy(head, headPosition, into, offset, n);
      headPosition += n;
      count += n;
      return n;
    }
    int n;
    try {
      n = source.read(into, offset, length);
    } catch (IOException | RuntimeException e) {
      sourceFailed = true;
      throw e;
    }
    if (n > 0) {
      count += n;
    }
    return n;
  }

  private int readSource() throws IOException {
    try {
      return source.read();
    } catch (IOException | RuntimeException e) {
      sourceFailed = true;
      throw e;
    }
  }
}
