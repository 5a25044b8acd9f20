package dovetail.migrator.source;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Receives message bodies from {@link LegacyImapSession#fetchBodies}, one call per UID, in UID order. */
public interface BodyConsumer {
  /**
   * One message's exact bytes as the server sent them. The stream is only valid during the call; a
   * large message is fetched piece by piece while it is read, so read it through once.
   *
   * <p>When the server stops delivering a large message mid-way, the stream throws an IOException; let
   * it propagate (or throw anything) and discard what was written. {@link #failed} then follows for the
   * same UID, or, if the connection died, fetchBodies throws. Only in that case does a {@code failed}
   * follow an {@code accept}.
   */
  void accept(long uid, InputStream body) throws IOException;

  /**
   * One message's exact bytes, whole in memory: {@code data[offset, offset + length)}, valid only during the
   * call (the source reuses the array). By default they go to {@link #accept(long, InputStream)}.
   */
  default void acceptWhole(long uid, byte[] data, int offset, int length) throws IOException {
    accept(uid, new ByteArrayInputStream(data, offset, length));
  }

  /**
   * The server would not deliver this message (NO to FETCH, missing from the reply, NIL body, broken
   * mid-way). It is never silently dropped: the caller records it and retries later.
   */
  void failed(long uid, String reason);
}
