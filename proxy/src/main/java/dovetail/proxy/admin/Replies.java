package dovetail.proxy.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes the answer lines of one connection. Jackson escapes every newline inside a string, so one reply is
 * always exactly one line. Each line is flushed: a waiting {@code migrate --wait} shows progress as it comes.
 */
final class Replies {
  private final OutputStream out;
  private boolean answered;

  Replies(OutputStream out) {
    this.out = out;
  }

  void progress(ObjectNode fields) throws IOException {
    ObjectNode line = AdminProtocol.JSON.createObjectNode().put(AdminProtocol.TYPE, AdminProtocol.PROGRESS);
    line.setAll(fields);
    write(line);
  }

  void result(JsonNode result) throws IOException {
    ObjectNode line = AdminProtocol.JSON.createObjectNode().put(AdminProtocol.TYPE, AdminProtocol.RESULT);
    line.set(AdminProtocol.RESULT, result);
    write(line);
    answered = true;
  }

  void error(String message) throws IOException {
    write(AdminProtocol.JSON.createObjectNode().put(AdminProtocol.TYPE, AdminProtocol.ERROR)
        .put(AdminProtocol.ERROR, message));
    answered = true;
  }

  /** True once the final line of the current request was written. */
  boolean answered() {
    return answered;
  }

  /** Starts the next request on this connection. */
  void next() {
    answered = false;
  }

  private void write(ObjectNode line) throws IOException {
    out.write(AdminProtocol.JSON.writeValueAsBytes(line));
    out.write('\n');
    out.flush();
  }
}
