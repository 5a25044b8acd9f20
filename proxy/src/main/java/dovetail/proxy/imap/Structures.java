package dovetail.proxy.imap;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.james.imap.message.response.FetchResponse;

/**
 * BODY and BODYSTRUCTURE (RFC 3501 §7.4.2) from {@link MimePart}s, so that sizes and line counts are those of the
 * bytes BODY[section] serves, and a forwarded message's envelope keeps comment-style names ({@link Envelopes}).
 * James's FetchResponseEncoder writes them out.
 */
final class Structures {
  private Structures() {}

  static FetchResponse.Structure of(MimePart part) {
    return new Node(part);
  }

  private record Node(MimePart part) implements FetchResponse.Structure {
    /**
     * A message/rfc822 part deeper than the parser goes ({@link MimeParser#MAX_DEPTH}) has no message to describe, and
     * James's encoder needs one for that type (walk-through 19, F2: a NullPointerException cut the FETCH line off, so
     * the folder never synced): it is shown as the opaque body it is served as.
     */
    private boolean opaque() {
      return part.message == null && part.type.is("message", "rfc822");
    }

    @Override
    public String getMediaType() {
      return opaque() ? "application" : part.type.type();
    }

    @Override
    public String getSubType() {
      return opaque() ? "octet-stream" : part.type.subType();
    }

    @Override
    public List<String> getParameters() {
      List<String> params = new ArrayList<>(part.type.params());
      if (part.type.type().equalsIgnoreCase("text") && part.type.param("charset") == null) {
        // RFC 2045 §5.2: the default; Dovecot and James both state it.
        params.add("charset");
        params.add("us-ascii");
      }
      return params;
    }

    @Override
    public String getId() {
      return part.field("content-id");
    }

    @Override
    public String getDescription() {
      return part.field("content-description");
    }

    @Override
    public String getEncoding() {
      String e = part.field("content-transfer-encoding");
      return e == null || e.isBlank() ? "7bit" : e.trim();
    }

    @Override
    public long getOctets() {
      return part.end - part.bodyStart;
    }

    @Override
    public long getLines() {
      return part.bodyLines;
    }

    @Override
    public String getMD5() {
      return part.field("content-md5");
    }

    @Override
    public Map<String, String> getDispositionParams() {
      ContentType d = ContentType.parseDisposition(part.field("content-disposition"));
      Map<String, String> out = new LinkedHashMap<>();
      if (d != null) {
        for (int i = 0; i + 1 < d.params().size(); i += 2) {
          out.putIfAbsent(d.params().get(i), d.params().get(i + 1));
        }
      }
      return out;
    }

    @Override
    public String getDisposition() {
      ContentType d = ContentType.parseDisposition(part.field("content-disposition"));
      return d == null ? null : d.type();
    }

    @Override
    public List<String> getLanguages() {
      String value = part.field("content-language");
      if (value == null) {
        return null;
      }
      List<String> out = new ArrayList<>();
      for (String l : value.split(",")) {
        if (!l.isBlank()) {
          out.add(l.trim());
        }
      }
      return out;
    }

    @Override
    public String getLocation() {
      return part.field("content-location");
    }

    @Override
    public Iterator<FetchResponse.Structure> parts() {
      if (part.isMultipart() && part.children.isEmpty()) {
        // Its boundary never appears: RFC 3501 §7.4.2 has no multipart without parts, and Dovecot shows one empty
        // text/plain part (what BODY[1] serves: nothing).
        return List.<FetchResponse.Structure>of(new Node(new MimePart(0))).iterator();
      }
      return part.children.stream().<FetchResponse.Structure>map(Node::new).iterator();
    }

    @Override
    public FetchResponse.Envelope getEnvelope() {
      return part.message == null ? null : Envelopes.of(part.message);
    }

    @Override
    public FetchResponse.Structure getBody() {
      return part.message == null ? null : new Node(part.message);
    }
  }
}
