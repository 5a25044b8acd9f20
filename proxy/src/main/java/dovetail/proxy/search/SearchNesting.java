package dovetail.proxy.search;

import java.util.ArrayDeque;
import java.util.Deque;
import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.request.SearchKey;
import org.apache.james.imap.decode.DecodingException;

/**
 * A bound on how deeply a search nests (parentheses, NOT, OR): James walks a search key recursively wherever it reads
 * it (the session's log context prints it, the search runs it), so thousands of levels overflowed the stack there and
 * the command was never answered (walk-through 13, B2). {@value #MAX_DEPTH} levels leave room for any client's search
 * (an OR per term) on the smallest stack, cold; Dovecot takes more, but nobody sends it.
 */
final class SearchNesting {
  static final int MAX_DEPTH = 500;
  private static final HumanReadableText TOO_DEEP = new HumanReadableText("dovetail.imap.NESTED_TOO_DEEPLY",
      "Search nested too deeply (at most " + MAX_DEPTH + " levels).");

  private SearchNesting() {}

  /** Refuses {@code key} (BAD) when it nests deeper than {@link #MAX_DEPTH}; walked without recursion. */
  static void check(SearchKey key) throws DecodingException {
    record Level(SearchKey key, int depth) {}
    Deque<Level> todo = new ArrayDeque<>();
    todo.push(new Level(key, 0)); // the whole search, a level of its own
    while (!todo.isEmpty()) {
      Level level = todo.pop();
      if (level.depth() > MAX_DEPTH) {
        throw new DecodingException(TOO_DEEP, "search nested deeper than " + MAX_DEPTH + " levels");
      }
      if (level.key().getKeys() != null) {
        level.key().getKeys().forEach(k -> todo.push(new Level(k, level.depth() + 1)));
      }
    }
  }
}
