package dovetail.proxy.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;

/**
 * The admin socket's wire format, shared by the server and {@link AdminClient}. A request is one JSON object on
 * one line: {@code {"verb":"status","user":"alice"}}. The server answers with zero or more
 * {@code {"type":"progress",...}} lines, then exactly one {@code {"type":"result","result":{...}}} or
 * {@code {"type":"error","error":"text"}} line; the connection then takes the next request. Unknown request
 * fields are ignored, so a newer client can talk to an older server.
 */
final class AdminProtocol {
  static final String VERB = "verb";
  static final String TYPE = "type";
  static final String PROGRESS = "progress";
  static final String RESULT = "result";
  static final String ERROR = "error";

  static final String MIGRATE = "migrate";
  static final String STATUS = "status";
  static final String SWEEPER = "sweeper";
  static final String SYNC = "sync";

  /** A request longer than this is refused: the peer is not speaking this protocol. */
  static final int MAX_REQUEST_BYTES = 64 * 1024;

  static final ObjectMapper JSON = new ObjectMapper();

  private AdminProtocol() {}

  static ObjectNode migrate(String user, List<String> folders, boolean wait) {
    ObjectNode r = JSON.createObjectNode().put(VERB, MIGRATE).put("user", user).put("wait", wait);
    folders.forEach(r.putArray("folders")::add);
    return r;
  }

  static ObjectNode status(Optional<String> user) {
    ObjectNode r = JSON.createObjectNode().put(VERB, STATUS);
    user.ifPresent(u -> r.put("user", u));
    return r;
  }

  static ObjectNode sync(String user, List<String> folders) {
    ObjectNode r = JSON.createObjectNode().put(VERB, SYNC).put("user", user);
    folders.forEach(r.putArray("folders")::add);
    return r;
  }

  static ObjectNode sweeper(String action) {
    return JSON.createObjectNode().put(VERB, SWEEPER).put("action", action);
  }
}
