package dovetail.migrator.source;

import org.eclipse.angus.mail.iap.ByteArray;

/**
 * Recognizes, in the raw bytes of one response, the answer that our body fetches get for almost every
 * message: {@code * n FETCH (UID u BODY[]<o> {len}CRLF<len bytes>)}, with the items in any order and
 * the FLAGS or MODSEQ that some servers add. There is one such response per message, and Angus's
 * general parser (tokens, strings, item objects, each a hot spot the JIT compiles again and again in a
 * short run) cost more CPU than the copy itself. This is one small loop over bytes, with no allocation.
 *
 * <p>Anything else (tagged answers, EXISTS, unsolicited FETCHes, a NIL or quoted body, an item we do not
 * know) is not ours: {@link #parse} returns false and the caller hands the response to Angus.
 */
final class BodyPieceParser {
  private final RawCursor in = new RawCursor();
  private long uid;
  private int origin;
  private int dataStart;
  private int dataLength;

  /** True when {@code raw} is a body FETCH of the usual shape; its parts are then in the getters. */
  boolean parse(ByteArray raw) {
    uid = -1;
    origin = -1;
    dataStart = -1;
    if (!in.reset(raw) || !in.fetchStart()) {
      return false;
    }
    while (item()) {
      if (in.peek() == ' ') {
        in.skip(1);
      } else {
        return in.atClosingParen() && uid > 0 && dataStart >= 0;
      }
    }
    return false;
  }

  long uid() {
    return uid;
  }

  /** The {@code <o>} of {@code BODY[]<o>}, or -1 when the server sent none (it ignored the range). */
  int origin() {
    return origin;
  }

  /** The body bytes, in the raw response's own array. */
  ByteArray data() {
    return new ByteArray(in.bytes(), dataStart, dataLength);
  }

  private boolean item() {
    if (in.word("UID ")) {
      uid = in.number(10);
      return uid > 0;
    }
    if (in.word("BODY[]")) {
      if (in.word("<")) {
        long o = in.number(10);
        if (o < 0 || o > Integer.MAX_VALUE || !in.word(">")) {
          return false;
        }
        origin = (int) o;
      }
      return in.word(" {") && literal();
    }
    return (in.word("FLAGS (") || in.word("MODSEQ (")) && in.skipAtomList();
  }

  /** After "{": {@code len}CRLF and len bytes, which the framing has already read into the array. */
  private boolean literal() {
    long length = in.number(10);
    if (length < 0 || !in.word("}\r\n") || length > in.remaining()) {
      return false;
    }
    dataStart = in.position();
    dataLength = (int) length;
    in.skip(dataLength);
    return true;
  }
}
