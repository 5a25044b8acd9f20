package dovetail.proxy.pop3;

import dovetail.proxy.server.TestDovetail;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;

/** A Dovetail whose legacy server cannot be reached (a port nothing listens on), for one local user. */
final class UnreachableLegacy {
  private UnreachableLegacy() {}

  static TestDovetail dovetail(Path dir, String user, String password) throws Exception {
    return TestDovetail.builder(dir).user(user, "{PLAIN}" + password)
        .setting("imapc_host = 127.0.0.1").setting("imapc_port = " + deadPort())
        .setting("imapc_connection_retry_count = 1").setting("imapc_connection_retry_interval = 20 ms")
        .setting("sweeper = no").setting("mail_fsync = never").start();
  }

  private static int deadPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort(); // closed again: nothing listens there
    }
  }
}
