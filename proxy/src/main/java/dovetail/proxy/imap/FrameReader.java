package dovetail.proxy.imap;

import dovetail.store.ModifiedUtf7;
import java.io.IOException;
import java.io.InputStream;
import org.apache.commons.lang3.tuple.ImmutablePair;
import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.decode.DecodingException;
import org.apache.james.imap.decode.ImapRequestLineReader;
import org.apache.james.imap.message.Literal;

/**
 * James's decoders read a command through an {@link ImapRequestLineReader}; this one reads a {@link CommandFrame}
 * that is already complete, so a decoder never waits for bytes, never asks the client for a literal (the framer
 * did that), and whatever it leaves unread belongs to this command only.
 */
final class FrameReader extends ImapRequestLineReader {
  private final CommandFrame frame;
  private int part;
  private int offset;
  private boolean invalidLiteralSize;

  FrameReader(CommandFrame frame) {
    this.frame = frame;
  }

  @Override
  public char nextChar() throws DecodingException {
    if (!nextSeen) {
      nextChar = (char) (take() & 0xff);
      nextSeen = true;
    }
    return nextChar;
  }

  private byte take() throws DecodingException {
    while (part < frame.parts().size()) {
      if (!(frame.parts().get(part) instanceof CommandFrame.Text text)) {
        // Literal bytes are taken whole by read(), never as characters of the command line.
        throw new DecodingException(HumanReadableText.ILLEGAL_ARGUMENTS, "Unexpected literal.");
      }
      if (offset < text.bytes().length) {
        return text.bytes()[offset++];
      }
      part++;
      offset = 0;
    }
    throw new DecodingException(HumanReadableText.ILLEGAL_ARGUMENTS, "Unexpected end of command.");
  }

  /**
   * The literal that the framer found where the decoder now stands. With {@code extraCRLF} (APPEND's message) the
   * end of the command is checked here, at once, rather than when the message is read.
   */
  @Override
  public Literal read(int size, boolean extraCRLF) throws DecodingException {
    nextSeen = false;
    nextChar = 0;
    if (part < frame.parts().size() && frame.parts().get(part) instanceof CommandFrame.Text text
        && offset == text.bytes().length) {
      part++;
      offset = 0;
    }
    if (part >= frame.parts().size() || !(frame.parts().get(part) instanceof CommandFrame.Literal literal)
        || literal.size() != size) {
      throw new DecodingException(HumanReadableText.ILLEGAL_ARGUMENTS, "Literal does not match its announcement.");
    }
    part++;
    offset = 0;
    if (extraCRLF) {
      eol();
    }
    return new Literal() {
      @Override
      public long size() {
        return literal.size();
      }

      @Override
      public InputStream getInputStream() throws IOException {
        return literal.open();
      }
    };
  }

  /**
   * James reads any text between '{' and '}' as a literal's size and, when it is no number, fails with an error that
   * APPEND and the mailbox parsers report as an I/O failure; the framer announced no literal here, so this is known
   * before James reads on, and {@link LiteralSizeCheck} answers as Dovecot does.
   */
  @Override
  public ImmutablePair<Integer, Literal> consumeLiteral(boolean extraCRLF) throws IOException {
    if (nextChar() == '{' && !sizeIsNumberAhead()) {
      invalidLiteralSize = true;
      throw new DecodingException(HumanReadableText.ILLEGAL_ARGUMENTS, "Invalid literal size");
    }
    return super.consumeLiteral(extraCRLF);
  }

  /** Whether the '{' just read is followed by digits and then '}' or '+}', in the same line. */
  private boolean sizeIsNumberAhead() {
    if (part >= frame.parts().size() || !(frame.parts().get(part) instanceof CommandFrame.Text text)) {
      return true; // not where a '{' can stand; James's own checks apply
    }
    byte[] line = text.bytes();
    int i = offset;
    int digits = 0;
    while (i < line.length && line[i] >= '0' && line[i] <= '9') {
      i++;
      digits++;
    }
    if (i < line.length && line[i] == '+') {
      i++;
    }
    return digits > 0 && i < line.length && line[i] == '}';
  }

  /** Whether a literal was announced with a size that is no number ({@code {-1}}, {@code {abc}}). */
  boolean sawInvalidLiteralSize() {
    return invalidLiteralSize;
  }

  /**
   * A mailbox argument, decoded as Dovecot decodes it: James's decoder took "&AGE-" as "a", so CREATE "&AGE-" made a
   * folder "a" where Dovecot answers that the name is not valid mUTF-7 ({@link MailboxNameGuard} gives that answer).
   */
  @Override
  public String mailbox() throws DecodingException {
    String name = mailboxUTF7();
    try {
      return ModifiedUtf7.decodeClientName(name);
    } catch (IllegalArgumentException e) {
      throw new DecodingException(MailboxNameGuard.INVALID_NAME, e.getMessage());
    }
  }

  /** The framer has already sent "+" for a synchronizing literal, when the client needed it. */
  @Override
  protected void commandContinuationRequest() {
  }
}
