package dovetail.proxy.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** The client side of the admin socket, used by {@code dovetail migrate|status|sweeper}: one request per call. */
public final class AdminClient {
  private final Path socket;

  public AdminClient(Path socket) {
    this.socket = socket;
  }

  /** The status document (README.md, "Admin commands") of one user, or of every known user. */
  public JsonNode status(Optional<String> user) throws AdminException {
    return call(AdminProtocol.status(user), progress -> { });
  }

  /**
   * Starts a user's migration. With {@code wait}, every progress line goes to {@code progress} until the outcome
   * comes back.
   */
  public JsonNode migrate(String user, List<String> folders, boolean wait, Consumer<JsonNode> progress)
      throws AdminException {
    return call(AdminProtocol.migrate(user, folders, wait), progress);
  }

  /**
   * Checks the user's migrated folders (or the named ones) for late legacy mail now; the answer says what came. A
   * progress line (a folder waited for, {@code notice}) goes to {@code progress} as it comes.
   */
  public JsonNode sync(String user, List<String> folders, Consumer<JsonNode> progress) throws AdminException {
    return call(AdminProtocol.sync(user, folders), progress);
  }

  /** {@code pause}, {@code resume} or {@code status}; the answer is the sweeper's status. */
  public JsonNode sweeper(String action) throws AdminException {
    return call(AdminProtocol.sweeper(action), progress -> { });
  }

  private JsonNode call(ObjectNode request, Consumer<JsonNode> progress) throws AdminException {
    SocketChannel channel;
    try {
      channel = SocketChannel.open(UnixDomainSocketAddress.of(socket));
    } catch (IOException e) {
      throw new AdminException("cannot reach the Dovetail server at " + socket + ": is `dovetail serve` running? ("
          + e.getMessage() + ")");
    }
    try (channel) {
      OutputStream out = Channels.newOutputStream(channel);
      out.write(AdminProtocol.JSON.writeValueAsBytes(request));
      out.write('\n');
      out.flush();
      BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel),
          StandardCharsets.UTF_8));
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        JsonNode reply = parse(line);
        switch (reply.path(AdminProtocol.TYPE).asText()) {
          case AdminProtocol.PROGRESS -> progress.accept(reply);
          case AdminProtocol.RESULT -> {
            return reply.path(AdminProtocol.RESULT);
          }
          case AdminProtocol.ERROR -> throw new AdminException(reply.path(AdminProtocol.ERROR).asText());
          default -> throw unreadable();
        }
      }
      throw new AdminException("the Dovetail server at " + socket + " closed the connection without an answer");
    } catch (IOException e) {
      throw new AdminException("the connection to the Dovetail server at " + socket + " broke: " + e.getMessage());
    }
  }

  private JsonNode parse(String line) throws AdminException {
    try {
      return AdminProtocol.JSON.readTree(line);
    } catch (JsonProcessingException e) {
      throw unreadable();
    }
  }

  private AdminException unreadable() {
    return new AdminException("the Dovetail server at " + socket + " sent an answer this command cannot read");
  }
}
