package dovetail.migrator.source;

import java.io.IOException;

/**
 * A response from the legacy server longer than {@link BufferedResponseInput} takes outside its literals. The
 * connection is out of step after it (the rest of the response was never read): it must be given up.
 */
final class ResponseTooLongException extends IOException {
  ResponseTooLongException(int maxBytes) {
    super("the server sent a response line longer than " + size(maxBytes) + " (outside literals);"
        + " a broken or hostile legacy server");
  }

  private ResponseTooLongException(String message) {
    super(message);
  }

  /** Literals of one response above {@code maxBytes}: announced or sent. */
  static ResponseTooLongException literals(long announced, int maxBytes) {
    return new ResponseTooLongException("the server announced literals of " + announced + " bytes in one response,"
        + " more than the " + size(maxBytes) + " any answer here holds (messages come in pieces of at most 1 MB);"
        + " a broken or hostile legacy server");
  }

  private static String size(int bytes) {
    return bytes % (1 << 20) == 0 ? (bytes >> 20) + " MB" : bytes + " bytes";
  }
}
