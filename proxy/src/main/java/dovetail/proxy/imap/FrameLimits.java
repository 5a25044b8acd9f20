package dovetail.proxy.imap;

/**
 * How much one IMAP command may hold, so that memory per connection stays bounded whatever a client sends.
 *
 * @param maxLine longest line (tag, command, arguments) before a literal or the end, as Dovecot's
 *     imap_max_line_length (64 KiB); a longer line ends the connection
 * @param maxCommand all of a command's bytes except APPEND message literals (lines and small literals such as a
 *     quoted password or a SEARCH string), which are held in memory
 * @param maxMessageLiteral largest APPEND message literal; a larger one is refused before any byte is read
 * @param inMemoryLiteral a message literal up to this size stays in memory; a larger one is spooled to a temp file
 * @param readAhead bytes a client may send ahead of the command being run before the server stops reading
 * @param beforeLogin before login, the most a command's lines so far and a literal may add up to; a literal
 *     that goes beyond (an APPEND's included) is refused before any of its bytes is read
 */
record FrameLimits(int maxLine, int maxCommand, long maxMessageLiteral, int inMemoryLiteral, int readAhead,
    int beforeLogin) {
  /**
   * 64 KiB lines, 1 MiB commands, 100,000,000-byte messages (in memory up to 256 KiB), 256 KiB read-ahead. The
   * message limit is below James's own: StoreMessageManager (mailbox-store 3.8.1) reads a message through a
   * 100 MiB mime4j LimitedInputStream and fails a larger APPEND only after it has been received.
   *
   * <p>8 KiB before login, as Dovecot's imap-login (IMAP_LOGIN_MAX_LINE_LENGTH, imap-login-client.h): enough for
   * LOGIN or AUTHENTICATE with any real user name and password as literals, while a client that has proved
   * nothing cannot make the server hold a megabyte per connection, or spool an APPEND to disk only to be told
   * that APPEND needs a login. A session's literals get the limits above only once it is authenticated.
   */
  static final FrameLimits DEFAULT = new FrameLimits(64 * 1024, 1024 * 1024, 100_000_000, 256 * 1024, 256 * 1024,
      8 * 1024);

  FrameLimits {
    if (maxLine <= 0 || maxCommand < maxLine || maxMessageLiteral <= 0 || inMemoryLiteral < 0 || readAhead <= 0
        || beforeLogin <= 0 || beforeLogin > maxCommand) {
      throw new IllegalArgumentException("inconsistent frame limits");
    }
    // James's ImapRequestLineReader.read takes an int size.
    if (maxMessageLiteral > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("a literal cannot exceed " + Integer.MAX_VALUE + " bytes");
    }
  }
}
