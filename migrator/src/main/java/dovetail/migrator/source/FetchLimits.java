package dovetail.migrator.source;

/**
 * How bodies are fetched. Memory stays bounded by about {@code bufferBytes} plus two chunks, whatever
 * the messages' sizes or what RFC822.SIZE claims.
 *
 * @param batchMessages UIDs per UID FETCH command (mail_prefetch_count). Two more batches are always
 *     in flight while the consumer stores one, so the server never waits for us. Capped so that three
 *     batches of 64 KiB first pieces fit into {@code bufferBytes} (170 with the default buffer).
 * @param chunkBytes size of the partial fetches {@code BODY.PEEK[]<offset.chunk>} that stream a large
 *     message
 * @param bufferBytes bytes that the three batches in flight may hold: each message's first piece is
 *     {@code bufferBytes / (3 * batch)}, at least 64 KiB and at most chunkBytes; a message that fills it
 *     continues in chunks
 */
public record FetchLimits(int batchMessages, int chunkBytes, long bufferBytes) {
  private static final int MIN_FIRST_PIECE = 64 * 1024;
  /** UID FETCH commands sent ahead of the one being stored: the server never waits for us. */
  static final int BATCHES_IN_FLIGHT = 3;

  public FetchLimits {
    if (batchMessages < 1) {
      throw new IllegalArgumentException("mail_prefetch_count: must be at least 1, was " + batchMessages);
    }
    if (chunkBytes < MIN_FIRST_PIECE) {
      throw new IllegalArgumentException("chunk size must be at least 64 KiB, was " + chunkBytes);
    }
    if (bufferBytes < (long) BATCHES_IN_FLIGHT * MIN_FIRST_PIECE) {
      throw new IllegalArgumentException("buffer must be at least 192 KiB, was " + bufferBytes);
    }
  }

  /** 50 messages per batch, 1 MiB chunks, 32 MiB of buffers. */
  public static FetchLimits defaults() {
    return new FetchLimits(50, 1 << 20, 32L << 20);
  }

  /** With mail_prefetch_count as the batch size (0, Dovecot's "no prefetch", means the default). */
  public FetchLimits withBatchMessages(int count) {
    return count <= 0 ? this : new FetchLimits(count, chunkBytes, bufferBytes);
  }

  /** UIDs per command: batchMessages, unless three batches of minimal first pieces would not fit. */
  int effectiveBatch() {
    long fitting = bufferBytes / ((long) BATCHES_IN_FLIGHT * MIN_FIRST_PIECE);
    return (int) Math.max(1, Math.min(batchMessages, fitting));
  }

  /** The partial length asked for with each message of a batch. */
  int firstPieceBytes() {
    long perMessage = bufferBytes / ((long) BATCHES_IN_FLIGHT * effectiveBatch());
    return (int) Math.max(MIN_FIRST_PIECE, Math.min(chunkBytes, perMessage));
  }
}
