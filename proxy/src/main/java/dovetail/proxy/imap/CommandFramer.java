package dovetail.proxy.imap;

import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Finds where one IMAP command ends (RFC 3501 §2.2, §4.3; RFC 7888): a line that ends in {@code {n}} or
 * {@code {n+}} announces a literal of exactly n bytes, taken whole whatever they contain, and the command goes on
 * after it; the first line that announces no literal ends the command. This is decided on bytes alone, before
 * any parsing, so a literal's bytes can never be read as commands, and a command is handed on only when it is
 * complete. James 3.8.1's ImapRequestFrameDecoder got this wrong: it cut the input into lines first and learnt
 * that a literal followed only while parsing, when the lines after a non-synchronizing literal were already on
 * their way as commands.
 *
 * <p>Memory stays bounded ({@link FrameLimits}): lines and ordinary literals count against the command's size;
 * an APPEND (or REPLACE) message literal may be larger and is spooled to a temp file beyond a threshold. A literal over its
 * limit is refused before any of its bytes is read: a synchronizing one with a tagged NO (the client then does not
 * send it), a non-synchronizing one with BYE, since its bytes are already on the way (Dovecot's cmd-append.c does
 * the same for both). Before login every literal is held to the much smaller {@link FrameLimits#beforeLogin} and
 * none is spooled.
 */
final class CommandFramer implements Closeable {
  /** What {@link #next} found. */
  sealed interface Step permits NeedMore, Continue, Complete, Refuse {}

  /** Not enough bytes yet. */
  record NeedMore() implements Step {}

  /** A synchronizing literal was accepted: the client waits for a continuation request before sending it. */
  record Continue() implements Step {}

  /** A whole command. */
  record Complete(CommandFrame frame) implements Step {}

  /** The command is refused with {@code reply} (CRLF-terminated lines); {@code close}: end the connection. */
  record Refuse(String reply, boolean close) implements Step {}

  static final Step NEED_MORE = new NeedMore();
  static final Step CONTINUE = new Continue();

  private final FrameLimits limits;
  private final Path spoolDir;
  private final BooleanSupplier loggedIn;
  private final List<CommandFrame.Part> parts = new ArrayList<>();
  private String firstLine;
  private long commandBytes;

  private boolean inLiteral;
  private long literalSize;
  private long literalLeft;
  private ByteArrayOutputStream literalBytes;
  private Path literalFile;
  private FileChannel literalChannel;

  /**
   * @param loggedIn whether the session is authenticated; asked when a literal is announced (no command runs
   *     while one is framed, so the answer is the state that the commands before left)
   */
  CommandFramer(FrameLimits limits, Path spoolDir, BooleanSupplier loggedIn) {
    this.limits = limits;
    this.spoolDir = spoolDir;
    this.loggedIn = loggedIn;
  }

  /** True while part of a command has been read and the rest has not. */
  boolean midCommand() {
    return !parts.isEmpty() || inLiteral;
  }

  /** Consumes what it can of {@code in} and says what it found. Call again after anything but NEED_MORE. */
  Step next(ByteBuf in) throws IOException {
    while (true) {
      if (inLiteral) {
        int n = (int) Math.min(literalLeft, in.readableBytes());
        if (n > 0) {
          if (literalChannel != null) {
            in.readBytes(literalChannel, literalSize - literalLeft, n);
          } else {
            in.readBytes(literalBytes, n);
          }
          literalLeft -= n;
        }
        if (literalLeft > 0) {
          return NEED_MORE;
        }
        endLiteral();
        continue;
      }
      int lf = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
      int length = lf < 0 ? in.readableBytes() : lf - in.readerIndex() + 1;
      if (length > limits.maxLine()) {
        return refuseAndClose("Command line too long");
      }
      if (lf < 0) {
        return NEED_MORE;
      }
      byte[] line = new byte[length];
      in.readBytes(line);
      commandBytes += length;
      if (commandBytes > limits.maxCommand()) {
        return refuseAndClose("Command too long");
      }
      if (firstLine == null) {
        firstLine = new String(line, StandardCharsets.ISO_8859_1);
      }
      parts.add(new CommandFrame.Text(line));
      long size = literalSize(line);
      if (size < 0) {
        CommandFrame frame = new CommandFrame(parts);
        reset();
        return new Complete(frame);
      }
      boolean sync = !nonSynchronizing(line);
      boolean authenticated = loggedIn.getAsBoolean();
      boolean message = authenticated && isMessageLiteral();
      long limit = !authenticated ? limits.beforeLogin() : message ? limits.maxMessageLiteral() : limits.maxCommand();
      if ((message ? size : commandBytes + size) > limit) {
        String tag = tagOf(firstLine);
        String why = authenticated ? "Literal too large" : "Literal too large before login";
        discard();
        return sync ? new Refuse(tag + " NO [TOOBIG] " + why + "\r\n", false)
            : new Refuse("* BYE [TOOBIG] " + why + "\r\n", true);
      }
      if (!message) {
        commandBytes += size;
      }
      startLiteral(size, message && size > limits.inMemoryLiteral());
      if (sync) {
        return CONTINUE;
      }
    }
  }

  private Step refuseAndClose(String why) {
    discard();
    return new Refuse("* BYE " + why + "\r\n", true);
  }

  /**
   * An APPEND's literals are its message, except a literal that is the mailbox name (the first argument), which
   * is small like any other string.
   */
  private boolean isMessageLiteral() {
    String command = word(firstLine, 1).toUpperCase(java.util.Locale.ROOT);
    boolean uid = command.equals("UID");
    if (uid) {
      command = word(firstLine, 2).toUpperCase(java.util.Locale.ROOT);
    }
    int mailbox = switch (command) {
      case "APPEND" -> 2;
      case "REPLACE" -> 3; // RFC 8508: REPLACE msn mailbox message
      default -> -1;
    };
    if (mailbox < 0) {
      return false;
    }
    return parts.size() > 1 || !word(firstLine, mailbox + (uid ? 1 : 0)).startsWith("{");
  }

  private void startLiteral(long size, boolean toFile) throws IOException {
    inLiteral = true;
    literalSize = size;
    literalLeft = size;
    if (toFile) {
      literalFile = Files.createTempFile(spoolDir, "dovetail-literal-", ".tmp");
      literalChannel = FileChannel.open(literalFile, StandardOpenOption.WRITE);
    } else {
      literalBytes = new ByteArrayOutputStream((int) size);
    }
  }

  private void endLiteral() throws IOException {
    if (literalChannel != null) {
      literalChannel.close();
      parts.add(new CommandFrame.Literal(null, literalFile, literalSize));
    } else {
      parts.add(new CommandFrame.Literal(literalBytes.toByteArray(), null, literalSize));
    }
    inLiteral = false;
    literalChannel = null;
    literalFile = null;
    literalBytes = null;
  }

  private void reset() {
    parts.clear();
    firstLine = null;
    commandBytes = 0;
  }

  /** Drops a partly read command and any spooled bytes (a refused command, or a client that went away). */
  void discard() {
    try {
      if (literalChannel != null) {
        literalChannel.close();
      }
    } catch (IOException e) {
      // deleted below anyway
    }
    if (literalFile != null) {
      parts.add(new CommandFrame.Literal(null, literalFile, literalSize));
    }
    new CommandFrame(parts).close();
    inLiteral = false;
    literalChannel = null;
    literalFile = null;
    literalBytes = null;
    reset();
  }

  @Override
  public void close() {
    discard();
  }

  /**
   * The size a line announces: it ends in "{digits}" or "{digits+}" (before CRLF or LF), else -1. Sizes that do
   * not fit a long are reported as Long.MAX_VALUE, which every limit refuses.
   */
  static long literalSize(byte[] line) {
    int end = line.length - 1;
    if (end > 0 && line[end - 1] == '\r') {
      end--;
    }
    // line[end] is the line end; the announcement ends just before it.
    int close = end - 1;
    if (close < 0 || line[close] != '}') {
      return -1;
    }
    int last = close - 1;
    if (last >= 0 && line[last] == '+') {
      last--;
    }
    int first = last;
    while (first >= 0 && line[first] >= '0' && line[first] <= '9') {
      first--;
    }
    if (first == last || first < 0 || line[first] != '{') {
      return -1;
    }
    long size = 0;
    for (int i = first + 1; i <= last; i++) {
      if (size > (Long.MAX_VALUE - 9) / 10) {
        return Long.MAX_VALUE;
      }
      size = size * 10 + (line[i] - '0');
    }
    return size;
  }

  /** Whether a line that announces a literal announces a non-synchronizing one ("{n+}", RFC 7888). */
  static boolean nonSynchronizing(byte[] line) {
    int end = line.length - 1;
    if (end > 0 && line[end - 1] == '\r') {
      end--;
    }
    return line[end - 2] == '+';
  }

  /** The n-th space-separated word of a line (0 = the tag), or "". */
  static String word(String line, int n) {
    if (line == null) {
      return "";
    }
    String[] words = line.strip().split(" +", n + 2);
    return words.length > n ? words[n] : "";
  }

  /** The line's tag if it is a plausible one (atom characters, RFC 3501 §9), else "*". */
  static String tagOf(String line) {
    String tag = word(line, 0);
    if (tag.isEmpty()) {
      return "*";
    }
    for (int i = 0; i < tag.length(); i++) {
      char c = tag.charAt(i);
      if (c <= ' ' || c >= 0x7f || "(){%*\"\\+]".indexOf(c) >= 0) {
        return "*";
      }
    }
    return tag;
  }
}
