package dovetail.proxy.pop3;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

/**
 * One POP3 connection's input that was read and not answered yet, held to a bound. The line framer
 * ({@link Pop3LineFramer}) cuts lines on its own threads and hands each to the command pool, where they wait while
 * the command before them runs (a wrong PASS waits out the failure delay, a login its INBOX's migration); without a
 * bound, a client that streams pipelined commands without reading replies had all of it read and queued. So reading
 * stops (autoRead off) while more than {@link #MAX_BYTES} bytes or {@link #MAX_COMMANDS} lines wait, and starts
 * again once they are answered down to half of that; TCP's flow control then holds the client, as IMAP's read-ahead
 * does. Reading stops too while the connection is not writable (replies the client does not read pile up no more
 * than the commands already taken in), and while STLS is answered ({@link Pop3ConnectionHandler}).
 *
 * <p>Lines already read are held to the same bound: while the connection is over it, the framer cuts no more of
 * them ({@link #held}) and takes them up when it drops back ({@link #onRelease}), so a client's turn on the framer's
 * thread is short, whatever it had sent.
 *
 * <p>Every decision and its setAutoRead are made under this object's lock, so they reach the channel in the order
 * they were made.
 */
final class PendingInput {
  /** Bytes of lines taken in and not answered: IMAP's read-ahead (FrameLimits.DEFAULT). */
  static final int MAX_BYTES = 256 * 1024;
  /**
   * Lines taken in and not answered. More than a pipelining client has in flight (RFC 2449 6.6: what fits the TCP
   * window), few enough that the replies of those already taken in stay small.
   */
  static final int MAX_COMMANDS = 64;

  private static final AttributeKey<PendingInput> KEY = AttributeKey.valueOf(PendingInput.class.getName());

  private final Channel channel;
  private long bytes;
  private int lines;
  private boolean full;
  private boolean tls;
  private Runnable release = () -> {};

  private PendingInput(Channel channel) {
    this.channel = channel;
  }

  /** The connection's. */
  static PendingInput of(Channel channel) {
    PendingInput pending = channel.attr(KEY).get();
    if (pending == null) {
      PendingInput created = new PendingInput(channel);
      pending = channel.attr(KEY).setIfAbsent(created);
      if (pending == null) {
        pending = created;
      }
    }
    return pending;
  }

  /**
   * Whether the connection is over its bound: the line framer cuts no more lines (and reading is stopped) until
   * the lines cut before are answered down to half of it; then {@link #onRelease}'s action runs.
   */
  synchronized boolean held() {
    return full;
  }

  /** What to do when the connection drops back below its bound (the framer takes up the lines it holds). */
  synchronized void onRelease(Runnable action) {
    release = action;
  }

  /** A line of {@code size} bytes was cut and goes to the command pool. */
  synchronized void framed(int size) {
    bytes += size;
    lines++;
    apply();
  }

  /** A line of {@code size} bytes was answered (or otherwise done with). */
  synchronized void answered(int size) {
    bytes -= size;
    lines--;
    apply();
  }

  /** While STLS is answered: nothing may be read until the SslHandler is in place. */
  synchronized void holdForTls(boolean hold) {
    tls = hold;
    apply();
  }

  /** The connection's writability changed. */
  synchronized void writabilityChanged() {
    apply();
  }

  private void apply() {
    if (full) {
      full = bytes > MAX_BYTES / 2 || lines > MAX_COMMANDS / 2;
      if (!full) {
        release.run();
      }
    } else {
      full = bytes > MAX_BYTES || lines > MAX_COMMANDS;
    }
    boolean read = !full && !tls && channel.isWritable();
    if (channel.config().isAutoRead() != read) {
      channel.config().setAutoRead(read);
    }
  }
}
