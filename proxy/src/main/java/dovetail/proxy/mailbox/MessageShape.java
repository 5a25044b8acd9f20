package dovetail.proxy.mailbox;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Locale;
import org.apache.james.mailbox.store.mail.model.impl.Properties;
import org.apache.james.mailbox.store.mail.model.impl.PropertyBuilder;
import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.field.LenientFieldParser;
import org.apache.james.mime4j.message.DefaultBodyDescriptorBuilder;
import org.apache.james.mime4j.message.MaximalBodyDescriptor;
import org.apache.james.mime4j.stream.EntityState;
import org.apache.james.mime4j.stream.MimeConfig;
import org.apache.james.mime4j.stream.MimeTokenStream;
import org.apache.james.mime4j.stream.RecursionMode;

/**
 * What James needs to know about a message besides its bytes: where the header ends (in the CRLF form that
 * clients see) and the top-level MIME properties for BODYSTRUCTURE. Found by one streaming pass; nothing is
 * held in memory but the header fields.
 *
 * @param headerOctets the header including the blank line that ends it; the whole message when there is none
 */
record MessageShape(long headerOctets, String mediaType, String subType, Long textualLineCount, Properties properties) {
  private static final LenientFieldParser FIELD_PARSER = new LenientFieldParser();

  /** @param crlfContent the message as clients see it (see {@link CrlfInputStream}); closed by the caller */
  static MessageShape scan(InputStream crlfContent) throws IOException {
    HeaderEndFinder finder = new HeaderEndFinder(crlfContent);
    MimeTokenStream parser = new MimeTokenStream(MimeConfig.PERMISSIVE,
        new DefaultBodyDescriptorBuilder(null, FIELD_PARSER, DecodeMonitor.SILENT));
    parser.setRecursionMode(RecursionMode.M_NO_RECURSE);
    parser.parse(finder);
    PropertyBuilder properties = new PropertyBuilder();
    Long lines = null;
    String mediaType;
    String subType;
    try {
      EntityState state = parser.next();
      while (state != EntityState.T_BODY && state != EntityState.T_END_OF_STREAM
          && state != EntityState.T_START_MULTIPART) {
        state = parser.next();
      }
      MaximalBodyDescriptor descriptor = (MaximalBodyDescriptor) parser.getBodyDescriptor();
      mediaType = descriptor.getMediaType() == null ? "text" : descriptor.getMediaType();
      subType = descriptor.getMediaType() == null ? "plain" : descriptor.getSubType();
      describe(properties, descriptor, mediaType, subType);
      if (mediaType.equalsIgnoreCase("text") && state == EntityState.T_BODY) {
        lines = countLines(parser.getInputStream());
      }
    } catch (MimeException e) {
      throw new IOException("cannot parse the message header: " + e.getMessage(), e);
    }
    finder.drainIfHeaderOpen();
    properties.setTextualLineCount(lines);
    return new MessageShape(finder.headerOctets(), mediaType, subType, lines, properties.build());
  }

  /**
   * The header alone, ending where {@link #scan} ends it, read without the body: for SEARCH on header fields, which
   * must not read (and count the lines of) a whole message to find its header.
   *
   * @param crlfContent the message as clients see it; closed by the caller
   * @return the header's bytes, or null if it is longer than {@code max}
   */
  static byte[] header(InputStream crlfContent, int max) throws IOException {
    HeaderEndFinder finder = new HeaderEndFinder(crlfContent);
    ByteArrayOutputStream kept = new ByteArrayOutputStream(Math.min(max + 1, 4096));
    byte[] buf = new byte[4096];
    while (finder.headerEnd < 0 && kept.size() <= max) {
      int n = finder.read(buf, 0, Math.min(buf.length, max + 1 - kept.size()));
      if (n < 0) {
        break; // no empty line: the whole message is header
      }
      kept.write(buf, 0, n);
    }
    long octets = finder.headerOctets();
    return octets > max ? null : Arrays.copyOf(kept.toByteArray(), (int) octets);
  }

  private static void describe(PropertyBuilder p, MaximalBodyDescriptor d, String mediaType, String subType) {
    p.setMediaType(mediaType);
    p.setSubType(subType);
    p.setContentID(d.getContentId());
    p.setContentDescription(d.getContentDescription());
    p.setContentLocation(d.getContentLocation());
    p.setContentMD5(d.getContentMD5Raw());
    p.setContentTransferEncoding(d.getTransferEncoding());
    p.setContentLanguage(d.getContentLanguage());
    p.setContentDispositionType(d.getContentDispositionType());
    p.setContentDispositionParameters(d.getContentDispositionParameters());
    p.setContentTypeParameters(d.getContentTypeParameters());
    if (d.getCharset() != null) {
      p.setCharset(d.getCharset());
    } else if (mediaType.toLowerCase(Locale.ROOT).equals("text")) {
      p.setCharset("us-ascii");
    }
  }

  private static long countLines(InputStream body) throws IOException {
    byte[] buf = new byte[8192];
    long lines = 0;
    int n;
    while ((n = body.read(buf)) > 0) {
      for (int i = 0; i < n; i++) {
        if (buf[i] == '\n') {
          lines++;
        }
      }
    }
    return lines;
  }

  /** Passes bytes through and notes where the first empty line ends (RFC 5322 §2.1: header, empty line, body). */
  private static final class HeaderEndFinder extends FilterInputStream {
    private long position;
    private long headerEnd = -1;
    private int last4;

    HeaderEndFinder(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      if (b >= 0) {
        see((byte) b);
      }
      return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
      int n = in.read(buf, off, len);
      for (int i = 0; i < n && headerEnd < 0; i++) {
        see(buf[off + i]);
      }
      return n;
    }

    private void see(byte b) {
      if (headerEnd >= 0) {
        return;
      }
      position++;
      last4 = (last4 << 8) | (b & 0xff);
      if ((position == 2 && (last4 & 0xffff) == 0x0d0a) || last4 == 0x0d0a0d0a) {
        headerEnd = position;
      }
    }

    void drainIfHeaderOpen() throws IOException {
      byte[] buf = new byte[8192];
      while (headerEnd < 0 && read(buf, 0, buf.length) > 0) {
        // keep counting: a message without an empty line is all header
      }
    }

    long headerOctets() {
      return headerEnd >= 0 ? headerEnd : position;
    }
  }
}
