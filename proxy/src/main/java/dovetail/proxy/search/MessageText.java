package dovetail.proxy.search;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;
import org.apache.james.mime4j.stream.BodyDescriptor;
import org.apache.james.mime4j.stream.EntityState;
import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.stream.MimeConfig;
import org.apache.james.mime4j.stream.MimeTokenStream;
import org.apache.james.mime4j.stream.RecursionMode;

/**
 * SEARCH BODY and TEXT (RFC 3501 §6.4.4) in one message, as Dovecot 2.3 answers them without a full-text index
 * (lib-mail's message-search.c): the bodies of text/* and message/* parts, transfer encoding and charset decoded,
 * each part on its own; TEXT also every header line (name, ": ", value with encoded words decoded) of the message
 * and of its parts and carried messages. Preambles, epilogues and other bodies are not read.
 *
 * <p>A charset Java does not know is read as UTF-8, and so is US-ASCII (8-bit text is often sent without a
 * charset), as Dovecot does. James 3.8.1 failed the whole SEARCH on one unknown charset in the folder, and missed a
 * match at the very end of a part that has no line end.
 */
final class MessageText {
  private static final int PIECE = 8192;
  /** How deep parts are told apart; below, each is searched as one text. */
  static final int MAX_DEPTH = 100;

  private final TextFinder finder;
  private final boolean headers;

  private MessageText(String wanted, boolean headers) {
    this.finder = new TextFinder(wanted);
    this.headers = headers;
  }

  /** SEARCH BODY: the text of the message's parts. */
  static boolean bodyContains(InputStream message, String wanted) throws IOException, MimeException {
    return new MessageText(wanted, false).find(message);
  }

  /** SEARCH TEXT: header lines and the text of the message's parts. */
  static boolean textContains(InputStream message, String wanted) throws IOException, MimeException {
    return new MessageText(wanted, true).find(message);
  }

  private boolean find(InputStream message) throws IOException, MimeException {
    if (finder.matchesAnything()) {
      return true;
    }
    // Permissive: no line or header length limits, decoding problems ignored. Carried messages are parsed too.
    MimeTokenStream stream = new MimeTokenStream(MimeConfig.PERMISSIVE);
    stream.setRecursionMode(RecursionMode.M_RECURSE);
    stream.parse(message);
    int depth = 0;
    for (EntityState state = stream.getState(); state != EntityState.T_END_OF_STREAM; state = stream.next()) {
      boolean found = switch (state) {
        case T_START_HEADER -> {
          finder.reset();
          // mime4j reads a part through one stream per enclosing multipart, recursively: 20,000 levels overflowed the
          // stack on a worker thread and the SEARCH was never answered (walk-through 19, F3). A part that deep is one
          // body, as in Dovecot (max_nested_mime_parts = 100); its siblings after it are parts again (review 25, F2).
          stream.setRecursionMode(depth >= MAX_DEPTH ? RecursionMode.M_FLAT : RecursionMode.M_RECURSE);
          yield false;
        }
        case T_START_MULTIPART, T_START_MESSAGE -> {
          depth++;
          yield false;
        }
        case T_END_MULTIPART, T_END_MESSAGE -> {
          depth--;
          yield false;
        }
        case T_FIELD -> headers && finder.feed(headerLine(stream.getField()));
        case T_BODY -> (depth >= MAX_DEPTH || isText(stream.getBodyDescriptor())) && bodyContains(stream);
        default -> false;
      };
      if (found) {
        return true;
      }
    }
    return false;
  }

  /** Dovecot searches text/* and message/* bodies; a part without Content-Type is text/plain. */
  private static boolean isText(BodyDescriptor body) {
    String type = body.getMimeType() == null ? "text/plain" : body.getMimeType().toLowerCase(Locale.ROOT);
    return type.startsWith("text/") || type.startsWith("message/");
  }

  /** The field unfolded, its value's raw 8-bit octets as UTF-8 and its encoded words (RFC 2047) decoded. */
  private static String headerLine(Field field) {
    String raw = new String(field.getRaw().toByteArray(), StandardCharsets.UTF_8).replace("\r", "").replace("\n", "");
    int colon = raw.indexOf(':');
    if (colon < 0) {
      return raw + "\r\n";
    }
    String value = DecoderUtil.decodeEncodedWords(raw.substring(colon + 1).strip(), DecodeMonitor.SILENT);
    return raw.substring(0, colon).strip() + ": " + value + "\r\n";
  }

  private boolean bodyContains(MimeTokenStream stream) throws IOException {
    Charset charset = readAs(stream.getBodyDescriptor().getCharset());
    try (Reader in = new InputStreamReader(stream.getDecodedInputStream(), charset.newDecoder()
        .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE))) {
      char[] buf = new char[PIECE];
      StringBuilder pending = new StringBuilder();
      int n;
      while ((n = in.read(buf)) > 0) {
        pending.append(buf, 0, n);
        // A surrogate pair is case-mapped whole: a high surrogate at the end waits for the next piece.
        int ready = Character.isHighSurrogate(pending.charAt(pending.length() - 1)) ? pending.length() - 1 : pending.length();
        if (finder.feed(pending.substring(0, ready))) {
          return true;
        }
        pending.delete(0, ready);
      }
      return pending.length() > 0 && finder.feed(pending.toString());
    }
  }

  private static Charset readAs(String name) {
    if (name == null || name.isBlank()) {
      return StandardCharsets.UTF_8;
    }
    try {
      Charset charset = Charset.forName(name.trim());
      return charset.equals(StandardCharsets.US_ASCII) ? StandardCharsets.UTF_8 : charset;
    } catch (IllegalArgumentException unknown) {
      return StandardCharsets.UTF_8;
    }
  }
}
