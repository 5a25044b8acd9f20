package dovetail.migrator.source;

import java.io.IOException;
import java.io.InputStream;

/** Receives message bodies from {@link LegacyImapSession#fetchBodies}, one call per UID, in UID order. */
public interface BodyConsumer {
  /**
   * One message's exact bytes as the server sent them. The stream is only valid during the call; a
   * large message is fetched piece by piece while it is read, so read it through once. An
   * {@link IOException} that the stream throws because the server stopped delivering mid-message ends
   * in {@link #failed} for that UID once this method has thrown it on.
   */
  void accept(long uid, InputStream body) throws IOException;

  /**
   * The server would not deliver this message (NO to FETCH, missing from the reply, NIL body, broken
   * mid-way). It is never silently dropped: the caller records it and retries later.
   */
  void failed(long uid, String reason);
}
