package dovetail.proxy.admin;

/**
 * The admin command could not get an answer: the server is not reachable, broke the connection, or answered
 * with an error. The message is one line for the operator.
 */
public final class AdminException extends Exception {
  AdminException(String message) {
    super(message);
  }
}
