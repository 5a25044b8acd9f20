package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The selected folder as a client pictures it from the untagged responses alone (RFC 3501 §7.3.1, §7.4.1): EXISTS
 * gives the count and never lowers it, each EXPUNGE names a message in it and lowers it by one, and FETCH or SEARCH
 * (without UID) may only name messages the client has been told of. A line that breaks the picture fails the
 * test, with {@code context} in the message.
 */
final class ClientView {
  private final String context;
  private int count;

  /** Starts empty: SELECT's EXISTS, read like any other, gives the first count. */
  ClientView(String context) {
    this.context = context;
  }

  int count() {
    return count;
  }

  /** Takes in one response line; lines that do not concern the picture are ignored. */
  void read(String line, String recent) {
    String[] w = line.split(" ");
    if (w.length < 2 || !w[0].equals("*")) {
      return;
    }
    if (w[1].equals("SEARCH")) {
      for (int i = 2; i < w.length; i++) {
        named(Integer.parseInt(w[i]), line, recent);
      }
      return;
    }
    if (w.length < 3 || !w[1].matches("\\d+")) {
      return;
    }
    int n = Integer.parseInt(w[1]);
    switch (w[2]) {
      case "EXISTS":
        assertTrue(n >= count, "EXISTS went down without EXPUNGE: " + line + " after " + count + context(recent));
        count = n;
        break;
      case "EXPUNGE":
        named(n, line, recent);
        count--;
        break;
      case "FETCH":
        named(n, line, recent);
        break;
      default:
        break;
    }
  }

  private void named(int n, String line, String recent) {
    assertTrue(n >= 1 && n <= count, line + " names a message the client was not told of (it knows " + count
        + ")" + context(recent));
  }

  private String context(String recent) {
    return " (" + context + ")" + (recent.isEmpty() ? "" : "\n" + recent);
  }
}
