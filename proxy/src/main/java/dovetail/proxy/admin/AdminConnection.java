package dovetail.proxy.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dovetail.proxy.admin.AdminVerb.BadRequest;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One admin connection: reads request lines and answers each through its verb. A bad line gets an error line and
 * the connection goes on with the next; only a request longer than {@link AdminProtocol#MAX_REQUEST_BYTES} ends
 * it, since the peer is then not speaking this protocol. Logging context is set here, once for every verb.
 */
final class AdminConnection implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(AdminConnection.class);
  static final String MALFORMED = "malformed request: expected one JSON object per line";
  static final String TOO_LONG = "request too long; closing the connection";
  static final String INTERNAL = "internal error; the server log has the details";

  private final SocketChannel channel;
  private final AdminVerbs verbs;
  private final String session;

  AdminConnection(SocketChannel channel, AdminVerbs verbs, String session) {
    this.channel = channel;
    this.verbs = verbs;
    this.session = session;
  }

  @Override
  public void run() {
    MDC.put("session", session);
    // One thread reads and writes: Channels' streams on one SocketChannel must not be used from two threads.
    try (channel; InputStream in = new BufferedInputStream(Channels.newInputStream(channel))) {
      Replies replies = new Replies(Channels.newOutputStream(channel));
      while (true) {
        Optional<String> line = readLine(in, replies);
        if (line.isEmpty()) {
          return;
        }
        if (!line.get().isBlank()) {
          answer(line.get(), replies);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      // The client went away, or the server is closing: nothing to answer.
      LOG.debug("admin connection ended: {}", e.toString());
    } finally {
      MDC.clear();
    }
  }

  private void answer(String line, Replies replies) throws IOException, InterruptedException {
    replies.next();
    try {
      Request request = parse(line);
      String name = request.verb();
      Optional<String> user = request.user(); // checked before it reaches a log line or a verb
      user.ifPresent(u -> MDC.put("user", u));
      Optional<AdminVerb> verb = verbs.find(name);
      if (verb.isEmpty()) {
        throw new BadRequest("unknown verb '" + name + "'; expected one of " + verbs.names());
      }
      verb.get().answer(request, replies);
    } catch (BadRequest e) {
      answerIfOpen(replies, e.getMessage());
    } catch (RuntimeException e) {
      // A bug or a failure inside the service: the admin gets a fixed line, the log gets the details.
      LOG.error("admin request failed: {}", line, e);
      answerIfOpen(replies, INTERNAL);
    } finally {
      MDC.remove("user");
    }
  }

  private static void answerIfOpen(Replies replies, String message) throws IOException {
    if (!replies.answered()) {
      replies.error(message);
    }
  }

  private static Request parse(String line) throws BadRequest {
    JsonNode json;
    try {
      json = AdminProtocol.JSON.readTree(line);
    } catch (JsonProcessingException e) {
      throw new BadRequest(MALFORMED);
    }
    if (!(json instanceof ObjectNode object)) {
      throw new BadRequest(MALFORMED);
    }
    return new Request(object);
  }

  /** The next line without its line end, or empty at the end of the stream (or of a too long request). */
  private static Optional<String> readLine(InputStream in, Replies replies) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != '\n') {
      if (b < 0) {
        return line.size() == 0 ? Optional.empty() : Optional.of(text(line));
      }
      if (line.size() >= AdminProtocol.MAX_REQUEST_BYTES) {
        replies.error(TOO_LONG);
        return Optional.empty();
      }
      line.write(b);
    }
    return Optional.of(text(line));
  }

  private static String text(ByteArrayOutputStream line) {
    String s = line.toString(StandardCharsets.UTF_8);
    return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
  }
}
