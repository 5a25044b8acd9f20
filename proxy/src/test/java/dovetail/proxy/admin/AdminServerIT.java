package dovetail.proxy.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dovetail.migrator.service.UserStatus;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminServerIT {
  @TempDir Path dir;

  @Test
  void theSocketIsCreatedWithMode0600InAMissingDirectoryAndRemovedOnClose() throws IOException {
    Path socket = dir.resolve("run/dovetail/admin.sock");
    try (AdminServer server = AdminServer.start(socket, FixedMigrations.aliceAndBob())) {
      assertEquals(socket, server.socket());
      assertEquals("rw-------", PosixFilePermissions.toString(
          Files.getPosixFilePermissions(socket, LinkOption.NOFOLLOW_LINKS)));
      assertTrue(Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther());
      try (Stream<Path> left = Files.list(socket.getParent())) {
        assertEquals(List.of(socket), left.toList(), "the private directory it was bound in is gone");
      }
      try (RawAdminClient client = new RawAdminClient(socket)) {
        client.send("{\"verb\":\"status\",\"user\":\"alice\"}");
        assertEquals("result", client.read().path("type").asText());
      }
    }
    assertFalse(Files.exists(socket, LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void aStaleSocketFileIsReplaced() throws IOException {
    Path socket = dir.resolve("admin.sock");
    // A server that died without cleaning up leaves its socket file, with nobody listening behind it.
    try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      dead.bind(UnixDomainSocketAddress.of(socket));
    }
    assertTrue(Files.exists(socket, LinkOption.NOFOLLOW_LINKS));
    Object before = fileKey(socket);
    try (AdminServer server = AdminServer.start(socket, FixedMigrations.aliceAndBob());
        RawAdminClient client = new RawAdminClient(socket)) {
      assertFalse(before.equals(fileKey(socket)), "a new socket file");
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
      client.send("{\"verb\":\"sweeper\",\"action\":\"status\"}");
      assertEquals("result", client.read().path("type").asText());
    }
  }

  @Test
  void aSocketWithALiveServerBehindItIsNotTakenOver() throws IOException {
    Path socket = dir.resolve("admin.sock");
    try (ServerSocketChannel live = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      live.bind(UnixDomainSocketAddress.of(socket));
      Object before = fileKey(socket);
      IOException e = assertThrows(IOException.class, () -> AdminServer.start(socket, FixedMigrations.aliceAndBob()));
      assertTrue(e.getMessage().contains("another server answers on " + socket), e.getMessage());
      assertEquals(before, fileKey(socket), "the live server's socket is untouched");
    }
  }

  @Test
  void aFileThatIsNotASocketIsRefusedAndKept() throws IOException {
    Path socket = dir.resolve("admin.sock");
    Files.writeString(socket, "precious");
    IOException e = assertThrows(IOException.class, () -> AdminServer.start(socket, FixedMigrations.aliceAndBob()));
    assertTrue(e.getMessage().contains("is not a socket"), e.getMessage());
    assertEquals("precious", Files.readString(socket));
    try (Stream<Path> left = Files.list(dir)) {
      assertEquals(List.of(socket), left.toList());
    }
  }

  @Test
  void aSocketPathTooLongForTheSystemIsOneErrorNamingIt() throws IOException {
    // The bind happens beside the socket, so the parent alone must be too long (sun_path holds 107 bytes).
    Path socket = dir.resolve("d".repeat(120)).resolve("a".repeat(60) + ".sock");
    IOException e = assertThrows(IOException.class, () -> AdminServer.start(socket, FixedMigrations.aliceAndBob()));
    assertTrue(e.getMessage().startsWith("cannot bind the admin socket " + socket), e.getMessage());
    try (Stream<Path> left = Files.list(socket.getParent())) {
      assertEquals(List.of(), left.toList(), "no private directory left behind");
    }
  }

  @Test
  void badRequestsGetErrorsAndTheSameConnectionGoesOn() throws IOException {
    Path socket = dir.resolve("admin.sock");
    try (AdminServer server = AdminServer.start(socket, FixedMigrations.aliceAndBob());
        RawAdminClient client = new RawAdminClient(socket)) {
      client.send("this is not json");
      assertError(AdminConnection.MALFORMED, client.read());
      client.send("[\"status\"]");
      assertError(AdminConnection.MALFORMED, client.read());
      client.send("{\"user\":\"alice\"}");
      assertError("missing \"verb\"", client.read());
      client.send("{\"verb\":\"frobnicate\"}");
      assertError("unknown verb 'frobnicate'; expected one of migrate, status, sweeper, sync", client.read());
      client.send("{\"verb\":\"migrate\"}");
      assertError("missing \"user\"", client.read());
      client.send("{\"verb\":\"migrate\",\"user\":\"alice\",\"folders\":\"INBOX\"}");
      assertError("\"folders\" must be a list of strings", client.read());
      client.send("{\"verb\":\"sweeper\",\"action\":\"stop\"}");
      assertError("unknown sweeper action 'stop'; expected pause, resume or status", client.read());

      client.send("{\"verb\":\"status\",\"user\":\"alice\"}");
      JsonNode ok = client.read();
      assertEquals("result", ok.path("type").asText());
      assertEquals("alice", ok.path("result").path("users").path(0).path("user").asText());
    }
  }

  @Test
  void aTooLongRequestEndsOnlyItsConnection() throws IOException {
    Path socket = dir.resolve("admin.sock");
    try (AdminServer server = AdminServer.start(socket, FixedMigrations.aliceAndBob())) {
      try (RawAdminClient flood = new RawAdminClient(socket)) {
        flood.sendBytes(new byte[AdminProtocol.MAX_REQUEST_BYTES + 1]);
        assertError(AdminConnection.TOO_LONG, flood.read());
        assertNull(flood.read(), "the server closed that connection");
      }
      try (RawAdminClient next = new RawAdminClient(socket)) {
        next.send("{\"verb\":\"status\"}");
        assertEquals(2, next.read().path("result").path("users").size());
      }
    }
  }

  @Test
  void aFailureInsideTheServiceIsAFixedErrorNotTheExceptionText() throws IOException {
    FixedMigrations migrations = FixedMigrations.aliceAndBob();
    migrations.statusFails = new IllegalStateException("secret internals at /var/vmail");
    Path socket = dir.resolve("admin.sock");
    try (AdminServer server = AdminServer.start(socket, migrations);
        RawAdminClient client = new RawAdminClient(socket)) {
      client.send("{\"verb\":\"status\"}"); // the list of users fails: the request fails
      assertError(AdminConnection.INTERNAL, client.read());
      client.send("{\"verb\":\"status\",\"user\":\"alice\"}"); // one user's status fails: that user says so
      JsonNode alice = client.read();
      assertEquals("status cannot be read: " + AdminConnection.INTERNAL,
          alice.path("result").path("users").path(0).path("error").asText(), alice.toString());
      assertFalse(alice.toString().contains("secret"), alice.toString());
      migrations.statusFails = null;
      client.send("{\"verb\":\"status\",\"user\":\"alice\"}");
      assertEquals("result", client.read().path("type").asText());
    }
  }

  @Test
  void migrateWaitSendsEachChangeOfProgressThenTheOutcome() throws IOException {
    FixedMigrations migrations = FixedMigrations.aliceAndBob();
    UserStatus first = new UserStatus("alice", true, List.of(
        FixedMigrations.folder("INBOX", "migrating", 1, 3, 100, 300, Optional.empty(), 5, 1)));
    UserStatus second = new UserStatus("alice", true, List.of(
        FixedMigrations.folder("INBOX", "migrating", 2, 3, 200, 300, Optional.empty(), 5, 1)));
    migrations.steps.addAll(List.of(first, first, second));
    Path socket = dir.resolve("admin.sock");
    try (AdminServer server = AdminServer.start(socket, migrations, Duration.ofMillis(5));
        RawAdminClient client = new RawAdminClient(socket)) {
      client.send("{\"verb\":\"migrate\",\"user\":\"alice\",\"folders\":[\"INBOX\"],\"wait\":true}");
      JsonNode p1 = client.read();
      assertEquals("progress", p1.path("type").asText());
      assertEquals(1, p1.path("migrating").path(0).path("messages_done").asLong());
      JsonNode p2 = client.read();
      assertEquals("progress", p2.path("type").asText(), "an unchanged status is not sent twice");
      assertEquals(2, p2.path("migrating").path(0).path("messages_done").asLong());
      JsonNode end = client.read();
      assertEquals("result", end.path("type").asText());
      assertTrue(end.path("result").path("complete").asBoolean());
      assertEquals("complete", end.path("result").path("folders").path(0).path("outcome").asText());
      assertEquals(List.of("alice [INBOX]"), migrations.migrateCalls);
    }
  }

  @Test
  void closingTheServerEndsAWaitingMigrateConnection() throws IOException {
    FixedMigrations migrations = FixedMigrations.aliceAndBob();
    migrations.outcome = CompletableFuture::new; // never ends
    migrations.steps.add(new UserStatus("alice", false, List.of()));
    Path socket = dir.resolve("admin.sock");
    AdminServer server = AdminServer.start(socket, migrations, Duration.ofMillis(5));
    try (RawAdminClient client = new RawAdminClient(socket)) {
      client.send("{\"verb\":\"migrate\",\"user\":\"alice\",\"wait\":true}");
      assertEquals("progress", client.read().path("type").asText(), "the migrate is waiting");
      server.close();
      assertNull(client.read(), "the connection ends without an answer");
    }
    assertFalse(Files.exists(socket, LinkOption.NOFOLLOW_LINKS));
  }

  private static void assertError(String expected, JsonNode reply) {
    assertEquals("error", reply.path("type").asText(), reply.toString());
    assertEquals(expected, reply.path("error").asText());
  }

  private static Object fileKey(Path p) throws IOException {
    return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
  }
}
