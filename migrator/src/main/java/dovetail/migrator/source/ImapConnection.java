package dovetail.migrator.source;

import dovetail.migrator.source.LegacyException.Kind;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.angus.mail.iap.Argument;
import org.eclipse.angus.mail.iap.ByteArray;
import org.eclipse.angus.mail.iap.LiteralException;
import org.eclipse.angus.mail.iap.ProtocolException;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.imap.protocol.IMAPResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One logged-in connection, spoken to command by command: {@link #send} and {@link #read} are separate
 * so that callers can pipeline. Angus's {@code Protocol.command} collects a whole reply in memory; we
 * read one response at a time instead. Every failure becomes a {@link LegacyException}; after a
 * connection-level one (I/O error, BYE) the connection is dead and says so.
 *
 * <p>It also watches the untagged state of the selected folder (EXISTS, and a UIDVALIDITY that changes
 * under us, RFC 3501 2.3.1.1).
 */
final class ImapConnection implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ImapConnection.class);

  private final WireProtocol wire;
  private final String peer;
  /** The socket's read timeout, for the message that says how long the server was silent. */
  private final Duration readTimeout;
  private LegacyException death;
  private long exists = -1;
  private long expectedUidValidity;
  private long changedUidValidity;

  ImapConnection(WireProtocol wire, String peer, Duration readTimeout) {
    this.wire = wire;
    this.peer = peer;
    this.readTimeout = readTimeout;
  }

  String peer() {
    return peer;
  }

  boolean hasCapability(String capability) {
    return wire.hasCapability(capability);
  }

  WireProtocol wire() {
    return wire;
  }

  /** Whether the server greeted as Courier-IMAP, which needs SELECT to number a folder for good (FolderExaminer). */
  boolean isCourier() {
    return wire.greetingText().contains("Courier-IMAP");
  }

  /** Writes one command; returns its tag. */
  String send(String command, Argument args) {
    alive();
    try {
      return wire.writeCommand(command, args);
    } catch (LiteralException e) {
      throw ImapFailures.fromResponse(e.getResponse(), Kind.PROTOCOL, verb(command));
    } catch (IOException e) {
      throw die(ImapFailures.fromIo(e, peer + ": sending " + verb(command)));
    } catch (ProtocolException e) {
      throw die(ImapFailures.fromProtocol(e, Kind.UNAVAILABLE, peer + ": sending " + verb(command)));
    }
  }

  /** Reads the next response. A BYE kills the connection and is thrown. */
  Response read() {
    while (true) {
      alive();
      Response r;
      try {
        r = wire.readResponse();
      } catch (IOException e) {
        throw die(readFailure(e));
      } catch (ProtocolException e) {
        unparsable(e);
        continue;
      }
      return checked(r);
    }
  }

  /**
   * Reads the next response without parsing it, for callers that recognize their own responses
   * ({@link BodyPieceParser}, {@link MetadataParser}); whatever they do not recognize goes to {@link #parse}.
   */
  ByteArray readRaw() {
    return readRaw(null);
  }

  /** As {@link #readRaw()}, into {@code reuse} when not null (its bytes are valid until the next read into it). */
  ByteArray readRaw(ByteArray reuse) {
    alive();
    try {
      return reuse == null ? wire.readRaw() : wire.readRaw(reuse);
    } catch (IOException e) {
      throw die(readFailure(e));
    }
  }

  /**
   * A response too long to take is the server's fault, not the network's: a protocol failure, which is not retried
   * on a new connection as a drop is (the server would send it again).
   */
  private LegacyException readFailure(IOException e) {
    if (e instanceof ResponseTooLongException) {
      LOG.warn("{}: {}", peer, e.getMessage());
      return new LegacyException(Kind.PROTOCOL, peer + ": " + e.getMessage(), e);
    }
    return ImapFailures.fromRead(e, peer, readTimeout);
  }

  /** A response from {@link #readRaw} as {@link #read} would have returned it, or null when it does not parse. */
  Response parse(ByteArray raw) {
    try {
      return checked(wire.parse(raw));
    } catch (IOException | ProtocolException e) {
      unparsable(e);
      return null;
    }
  }

  private void unparsable(Exception e) {
    // The whole response was consumed before parsing failed, so the stream is still in step.
    // A FETCH lost this way surfaces as a missing message, which is reported, not dropped.
    LOG.warn("{}: ignoring an unparsable response: {}", peer, e.getMessage());
  }

  private Response checked(Response r) {
    if (r.isBYE()) {
      throw die(ImapFailures.fromResponse(r, Kind.UNAVAILABLE, peer));
    }
    watch(r);
    return r;
  }

  /** Sends one command and reads up to its tagged completion, which is the last element. */
  List<Response> run(String command, Argument args) {
    String tag = send(command, args);
    List<Response> responses = new ArrayList<>();
    while (true) {
      Response r = read();
      responses.add(r);
      if (r.isTagged() && tag.equals(r.getTag())) {
        return responses;
      }
    }
  }

  /** Forget the selected folder's state: an EXAMINE is about to report a new one. */
  void selecting() {
    exists = -1;
    expectedUidValidity = 0;
    changedUidValidity = 0;
  }

  void selected(long uidValidity, long messageCount) {
    expectedUidValidity = uidValidity;
    exists = messageCount;
  }

  /** EXISTS of the selected folder as last announced, -1 before EXAMINE. */
  long exists() {
    return exists;
  }

  /** A UIDVALIDITY that the server announced after EXAMINE and that differs from it, else 0. */
  long changedUidValidity() {
    return changedUidValidity;
  }

  boolean isDead() {
    return death != null;
  }

  /** LOGOUT and close, best effort. */
  @Override
  public void close() {
    if (death == null) {
      try {
        wire.logout();
      } catch (ProtocolException | RuntimeException e) {
        LOG.debug("{}: LOGOUT failed: {}", peer, e.toString());
      }
      death = new LegacyException(Kind.UNAVAILABLE, peer + ": session closed");
    }
    wire.disconnect();
  }

  private void watch(Response r) {
    if (!r.isUnTagged() || !(r instanceof IMAPResponse ir)) {
      return;
    }
    if (ir.keyEquals("EXISTS")) {
      exists = ir.getNumber();
    } else if (r.isOK() && expectedUidValidity != 0) {
      String text = ImapFailures.text(r);
      if (text.regionMatches(true, 0, "[UIDVALIDITY ", 0, 13)) {
        int end = text.indexOf(']');
        try {
          long announced = Long.parseLong(text.substring(13, end < 0 ? text.length() : end).trim());
          if (announced != expectedUidValidity) {
            changedUidValidity = announced;
          }
        } catch (NumberFormatException ignored) {
          // Not a number: nothing we can compare.
        }
      }
    }
  }

  private void alive() {
    if (death != null) {
      throw new LegacyException(death.kind(), "connection is no longer usable: " + death.getMessage(), death);
    }
  }

  private LegacyException die(LegacyException cause) {
    death = cause;
    wire.disconnect();
    return cause;
  }

  private static String verb(String command) {
    int space = command.indexOf(' ');
    String first = space < 0 ? command : command.substring(0, space);
    // Never echo arguments: LOGIN has the password in them.
    if (first.equalsIgnoreCase("UID")) {
      int next = command.indexOf(' ', space + 1);
      return command.substring(0, next < 0 ? command.length() : next);
    }
    return first;
  }
}
