package dovetail.proxy.imap;

/**
 * Thrown on the way to a command's answer when the session cannot go on consistently: the connection is closed with
 * {@code * BYE <message>} ({@link ImapFrameDecoder}) instead of James's answer to an unknown error (a bare close).
 */
final class SessionMustEnd extends IllegalStateException {
  SessionMustEnd(String message) {
    super(message);
  }
}
