package dovetail.proxy.mailbox;

import java.util.Collection;
import java.util.List;
import javax.mail.Flags;
import org.apache.james.mailbox.MessageManager;
import org.apache.james.mailbox.model.ComposedMessageIdWithMetaData;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.model.MessageId;
import org.apache.james.mailbox.model.UpdatedFlags;
import org.apache.james.mailbox.store.mail.MessageIdMapper;
import org.apache.james.mailbox.store.mail.MessageMapper;
import org.apache.james.mailbox.store.mail.model.MailboxMessage;
import org.reactivestreams.Publisher;
import com.google.common.collect.Multimap;
import reactor.core.publisher.Mono;

/**
 * Maildir has no index from message to folders, so lookups by message id (JMAP, OBJECTID) are refused and the
 * capabilities that need them are not advertised. IMAP's own processors never call this mapper.
 */
final class NoMessageIdMapper implements MessageIdMapper {
  private static UnsupportedOperationException refused() {
    return new UnsupportedOperationException("messages cannot be addressed by message id in a Maildir store");
  }

  @Override
  public List<MailboxMessage> find(Collection<MessageId> messageIds, MessageMapper.FetchType fetchType) {
    throw refused();
  }

  @Override
  public Publisher<ComposedMessageIdWithMetaData> findMetadata(MessageId messageId) {
    return Mono.error(refused());
  }

  @Override
  public List<MailboxId> findMailboxes(MessageId messageId) {
    throw refused();
  }

  @Override
  public void save(MailboxMessage mailboxMessage) {
    throw refused();
  }

  @Override
  public void copyInMailbox(MailboxMessage mailboxMessage, Mailbox mailbox) {
    throw refused();
  }

  @Override
  public void delete(MessageId messageId) {
    throw refused();
  }

  @Override
  public void delete(MessageId messageId, Collection<MailboxId> mailboxIds) {
    throw refused();
  }

  @Override
  public Mono<Multimap<MailboxId, UpdatedFlags>> setFlags(MessageId messageId, List<MailboxId> mailboxIds, Flags newState,
      MessageManager.FlagsUpdateMode updateMode) {
    return Mono.error(refused());
  }
}
