package dovetail.proxy.imap;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import javax.mail.Flags;
import org.apache.james.imap.api.ImapCommand;
import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.Tag;
import org.apache.james.imap.api.message.IdRange;
import org.apache.james.imap.api.message.UidRange;
import org.apache.james.imap.encode.ImapEncoder;
import org.apache.james.imap.encode.ImapResponseComposer;
import org.apache.james.imap.message.Literal;

/**
 * Sends a string that holds 8-bit octets as a literal with those octets, as Dovecot's imap-quote.c
 * (imap_append_nstring, imap_append_string_for_humans) does: RFC 3501 §4.3 allows no 8-bit in a quoted string,
 * and James 3.8.1's composer turns each such octet into '?' (a raw UTF-8 Subject or display name in ENVELOPE).
 * Header text reaches the encoder as ISO-8859-1 (one char per octet), so each char is sent as its octet.
 */
public final class EightBitStrings implements ImapEncoder {
  private final ImapEncoder james;

  private EightBitStrings(ImapEncoder james) {
    this.james = james;
  }

  public static ImapEncoder encoder(ImapEncoder james) {
    return new EightBitStrings(james);
  }

  @Override
  public void encode(ImapMessage message, ImapResponseComposer composer) throws IOException {
    james.encode(message, new Composer(composer));
  }

  /** The octets to send for {@code s}, or null when it is 7-bit and may stay a quoted string. */
  static byte[] eightBit(String s) {
    boolean wide = false;
    boolean high = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      high |= c >= 0x80;
      wide |= c > 0xff;
    }
    if (!high) {
      return null;
    }
    // Chars above U+00FF never come from header octets; whoever built such a string meant Unicode: send UTF-8.
    return s.getBytes(wide ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
  }

  private record Octets(byte[] bytes) implements Literal {
    @Override
    public long size() {
      return bytes.length;
    }

    @Override
    public InputStream getInputStream() {
      return new ByteArrayInputStream(bytes);
    }
  }

  /** James's composer with quote(String) as above; everything else passes through. */
  private record Composer(ImapResponseComposer c) implements ImapResponseComposer {
    @Override
    public ImapResponseComposer quote(String message) throws IOException {
      byte[] octets = eightBit(message);
      if (octets == null) {
        c.quote(message);
      } else {
        c.literal(new Octets(octets));
      }
      return this;
    }

    @Override
    public void flush() throws IOException {
      c.flush();
    }

    @Override
    public ImapResponseComposer untaggedNoResponse(String displayMessage, String responseCode) throws IOException {
      c.untaggedNoResponse(displayMessage, responseCode);
      return this;
    }

    @Override
    public ImapResponseComposer flags(Flags flags) throws IOException {
      c.flags(flags);
      return this;
    }

    @Override
    public ImapResponseComposer nil() throws IOException {
      c.nil();
      return this;
    }

    @Override
    public ImapResponseComposer untaggedResponse(String message) throws IOException {
      c.untaggedResponse(message);
      return this;
    }

    @Override
    public ImapResponseComposer untagged() throws IOException {
      c.untagged();
      return this;
    }

    @Override
    public ImapResponseComposer commandName(ImapCommand command) throws IOException {
      c.commandName(command);
      return this;
    }

    @Override
    public ImapResponseComposer message(String message) throws IOException {
      c.message(message);
      return this;
    }

    @Override
    public ImapResponseComposer message(byte[] message) throws IOException {
      c.message(message);
      return this;
    }

    @Override
    public ImapResponseComposer message(long number) throws IOException {
      c.message(number);
      return this;
    }

    @Override
    public ImapResponseComposer mailbox(String mailboxName) throws IOException {
      c.mailbox(mailboxName);
      return this;
    }

    @Override
    public ImapResponseComposer sequenceSet(UidRange[] ranges) throws IOException {
      c.sequenceSet(ranges);
      return this;
    }

    @Override
    public ImapResponseComposer sequenceSet(IdRange[] ranges) throws IOException {
      c.sequenceSet(ranges);
      return this;
    }

    @Override
    public ImapResponseComposer end() throws IOException {
      c.end();
      return this;
    }

    @Override
    public ImapResponseComposer tag(Tag tag) throws IOException {
      c.tag(tag);
      return this;
    }

    @Override
    public ImapResponseComposer quote(char message) throws IOException {
      c.quote(message);
      return this;
    }

    @Override
    public ImapResponseComposer literal(Literal literal) throws IOException {
      c.literal(literal);
      return this;
    }

    @Override
    public ImapResponseComposer openParen() throws IOException {
      c.openParen();
      return this;
    }

    @Override
    public ImapResponseComposer closeParen() throws IOException {
      c.closeParen();
      return this;
    }

    @Override
    public ImapResponseComposer quoteUpperCaseAscii(String message) throws IOException {
      c.quoteUpperCaseAscii(message);
      return this;
    }

    @Override
    public ImapResponseComposer skipNextSpace() throws IOException {
      c.skipNextSpace();
      return this;
    }

    @Override
    public ImapResponseComposer continuationResponse(String message) throws IOException {
      c.continuationResponse(message);
      return this;
    }

    @Override
    public ImapResponseComposer continuationResponse() throws IOException {
      c.continuationResponse();
      return this;
    }

    @Override
    public ImapResponseComposer closeSquareBracket() throws IOException {
      c.closeSquareBracket();
      return this;
    }

    @Override
    public ImapResponseComposer openSquareBracket() throws IOException {
      c.openSquareBracket();
      return this;
    }
  }
}
