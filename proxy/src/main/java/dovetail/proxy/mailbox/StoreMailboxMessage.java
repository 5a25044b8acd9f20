package dovetail.proxy.mailbox;

import dovetail.store.StoreError;
import dovetail.store.StoreException;
import dovetail.store.StoredMessage;
import dovetail.store.SystemFlag;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import javax.mail.Flags;
import org.apache.commons.io.input.BoundedInputStream;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.ModSeq;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.model.ComposedMessageId;
import org.apache.james.mailbox.model.ComposedMessageIdWithMetaData;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.model.MessageAttachmentMetadata;
import org.apache.james.mailbox.model.MessageId;
import org.apache.james.mailbox.model.ThreadId;
import org.apache.james.mailbox.store.mail.model.MailboxMessage;
import org.apache.james.mailbox.store.mail.model.impl.Properties;

/**
 * One stored message as James sees it. Metadata comes from the uidlist and filename; the bytes are streamed
 * from the Maildir file with bare LFs turned into CRLF (as Dovecot serves them); the header/body split and
 * MIME properties are found by one scan on first use and cached by {@link ShapeCache}.
 */
final class StoreMailboxMessage implements MailboxMessage {
  private final StoredMessage stored;
  private final StoreMailboxId mailboxId;
  private final dovetail.store.Mailbox folder;
  private final ShapeCache shapes;
  private MessageUid uid;
  private ModSeq modSeq;
  private Flags flags;
  private MessageShape shape;

  StoreMailboxMessage(StoredMessage stored, StoreMailboxId mailboxId, dovetail.store.Mailbox folder, ModSeq modSeq,
      ShapeCache shapes) {
    this.stored = stored;
    this.mailboxId = mailboxId;
    this.folder = folder;
    this.shapes = shapes;
    this.uid = MessageUid.of(stored.uid());
    this.modSeq = modSeq;
    this.flags = FlagsMapping.toJames(stored.flags());
  }

  StoredMessage stored() {
    return stored;
  }

  /** The file's bytes exactly as stored, for COPY and MOVE. */
  InputStream openRaw() {
    return folder.openContent(stored.uid());
  }

  /**
   * The message's sizes and type, read once. Its getters declare no exception, and James's FETCH and SEARCH leave out
   * a message only on a MailboxException: for a message another writer removed, one is thrown undeclared (a checked
   * exception passes where none is declared; the JVM does not check), so that James skips the message instead of
   * failing the command.
   */
  private MessageShape shape() {
    if (shape == null) {
      try {
        shape = shapes.get(mailboxId, stored, () -> {
          try (InputStream in = getFullContent()) {
            return MessageShape.scan(in);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
      } catch (UncheckedIOException e) {
        if (e.getCause() instanceof MessageGoneException gone) {
          throw undeclared(new MailboxException(gone.getMessage(), gone));
        }
        throw e;
      }
    }
    return shape;
  }

  @SuppressWarnings("unchecked")
  private static <T extends Exception> RuntimeException undeclared(Exception e) throws T {
    throw (T) e;
  }

  @Override
  public ThreadId getThreadId() {
    return new ThreadId(getMessageId());
  }

  @Override
  public ComposedMessageIdWithMetaData getComposedMessageIdWithMetaData() {
    return ComposedMessageIdWithMetaData.builder()
        .composedMessageId(new ComposedMessageId(mailboxId, getMessageId(), uid))
        .flags(createFlags())
        .modSeq(modSeq)
        .threadId(getThreadId())
        .build();
  }

  @Override
  public MailboxId getMailboxId() {
    return mailboxId;
  }

  @Override
  public MessageUid getUid() {
    return uid;
  }

  @Override
  public void setUid(MessageUid uid) {
    this.uid = uid;
  }

  @Override
  public void setModSeq(ModSeq modSeq) {
    this.modSeq = modSeq;
  }

  @Override
  public ModSeq getModSeq() {
    return modSeq;
  }

  @Override
  public boolean isAnswered() {
    return flags.contains(Flags.Flag.ANSWERED);
  }

  @Override
  public boolean isDeleted() {
    return flags.contains(Flags.Flag.DELETED);
  }

  @Override
  public boolean isDraft() {
    return flags.contains(Flags.Flag.DRAFT);
  }

  @Override
  public boolean isFlagged() {
    return flags.contains(Flags.Flag.FLAGGED);
  }

  @Override
  public boolean isRecent() {
    return false;
  }

  @Override
  public boolean isSeen() {
    return flags.contains(Flags.Flag.SEEN);
  }

  boolean has(SystemFlag flag) {
    return stored.flags().has(flag);
  }

  @Override
  public void setFlags(Flags flags) {
    this.flags = new Flags(flags);
  }

  @Override
  public void setSaveDate(Date saveDate) {
    // The store keeps no save date (Dovecot's is in its index).
  }

  @Override
  public Flags createFlags() {
    return new Flags(flags);
  }

  @Override
  public MailboxMessage copy(Mailbox mailbox) {
    return new StoreMailboxMessage(stored, (StoreMailboxId) mailbox.getMailboxId(), folder, modSeq, shapes);
  }

  @Override
  public Optional<Date> getSaveDate() {
    return Optional.empty();
  }

  @Override
  public MessageId getMessageId() {
    return new StoreMessageId(stored.guid());
  }

  @Override
  public Date getInternalDate() {
    return Date.from(stored.internalDate());
  }

  @Override
  public InputStream getBodyContent() throws IOException {
    InputStream in = getFullContent();
    long header = getHeaderOctets();
    if (in.skip(header) != header) {
      in.close();
      throw new IOException("message " + stored.uid() + " is shorter than its header");
    }
    return in;
  }

  @Override
  public String getMediaType() {
    return shape().mediaType();
  }

  @Override
  public String getSubType() {
    return shape().subType();
  }

  @Override
  public long getBodyOctets() {
    return getFullContentOctets() - getHeaderOctets();
  }

  /** RFC822.SIZE: the virtual size (`,W=`), which counts a bare LF as CRLF. */
  @Override
  public long getFullContentOctets() {
    return stored.virtualSize();
  }

  @Override
  public long getHeaderOctets() {
    return shape().headerOctets();
  }

  @Override
  public Long getTextualLineCount() {
    return shape().textualLineCount();
  }

  @Override
  public InputStream getHeaderContent() throws IOException {
    byte[] header;
    try {
      header = shapes.header(mailboxId, stored, this::readHeader);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    return header != null ? new ByteArrayInputStream(header) : new BoundedInputStream(getFullContent(), getHeaderOctets());
  }

  /** The header's bytes for {@link ShapeCache#header} (the body is not read), or null if it is too long to keep. */
  private byte[] readHeader() {
    try (InputStream in = getFullContent()) {
      return MessageShape.header(in, ShapeCache.MAX_KEPT_HEADER);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public InputStream getFullContent() throws MessageGoneException {
    try {
      return new CrlfInputStream(folder.openContent(stored.uid()));
    } catch (StoreException e) {
      if (e.error() == StoreError.NOT_FOUND) {
        throw new MessageGoneException(stored.uid(), folder.name());
      }
      throw e;
    }
  }

  @Override
  public Properties getProperties() {
    return shape().properties();
  }

  @Override
  public List<MessageAttachmentMetadata> getAttachments() {
    return List.of();
  }

  @Override
  public String toString() {
    return "message " + uid + " of " + mailboxId;
  }
}
