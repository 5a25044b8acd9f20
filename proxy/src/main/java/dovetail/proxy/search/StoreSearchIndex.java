package dovetail.proxy.search;

import dovetail.proxy.mailbox.BlockingCalls;
import dovetail.proxy.mailbox.MessageGoneException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import org.apache.james.mailbox.AttachmentContentLoader;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.extractor.TextExtractor;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.model.MessageId;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.model.SearchQuery;
import org.apache.james.mailbox.store.MailboxSessionMapperFactory;
import org.apache.james.mailbox.store.mail.MessageMapper;
import org.apache.james.mailbox.store.mail.model.MailboxMessage;
import org.apache.james.mailbox.store.search.MessageSearchIndex;
import reactor.core.publisher.Flux;

/**
 * Search by reading the folder through the mappers and matching each message ({@link SearchMatcher}).
 *
 * <p>Replaces James 3.8.1's SimpleMessageSearchIndex, which narrows the messages it reads to the first UID set it
 * finds anywhere in the query, under OR and NOT too: {@code SEARCH NOT 2,4} then reads only messages 2 and 4 and
 * finds nothing, and {@code OR 1 UID x} never sees message x. Here a UID set narrows the read only where every
 * match must satisfy it: directly in the query or under AND.
 */
public final class StoreSearchIndex implements MessageSearchIndex {
  private final MailboxSessionMapperFactory mappers;
  private final TextExtractor textExtractor;
  private final AttachmentContentLoader attachments;
  private final ZoneId serverZone;

  /** @param serverZone the zone whose calendar days BEFORE, ON and SINCE mean (Dovecot: the process's local zone) */
  public StoreSearchIndex(MailboxSessionMapperFactory mappers, TextExtractor textExtractor,
      AttachmentContentLoader attachments, ZoneId serverZone) {
    this.mappers = mappers;
    this.textExtractor = textExtractor;
    this.attachments = attachments;
    this.serverZone = serverZone;
  }

  @Override
  public Flux<MessageUid> search(MailboxSession session, Mailbox mailbox, SearchQuery query) {
    return BlockingCalls.flux(() -> matching(session, mailbox, query))
        .map(MailboxMessage::getUid);
  }

  @Override
  public Flux<MessageId> search(MailboxSession session, Collection<MailboxId> mailboxIds, SearchQuery query,
      long limit) {
    return Flux.fromIterable(mailboxIds)
        .concatMap(id -> mappers.getMailboxMapper(session).findMailboxById(id))
        .concatMap(mailbox -> BlockingCalls.flux(() -> matching(session, mailbox, query)))
        .map(MailboxMessage::getMessageId)
        .distinct()
        .take(limit);
  }

  @Override
  public EnumSet<MailboxManager.SearchCapabilities> getSupportedCapabilities(
      EnumSet<MailboxManager.MessageCapabilities> messageCapabilities) {
    return EnumSet.of(MailboxManager.SearchCapabilities.MultimailboxSearch, MailboxManager.SearchCapabilities.Text);
  }

  private Flux<MailboxMessage> matching(MailboxSession session, Mailbox mailbox, SearchQuery query) {
    try {
      return Flux.fromIterable(read(session, mailbox, query));
    } catch (MailboxException e) {
      return Flux.error(e);
    }
  }

  /** A message another writer removed since the folder was read does not match (MessageGoneException). */
  private static boolean matches(SearchMatcher matcher, MailboxMessage m) throws MailboxException {
    try {
      return matcher.matches(m);
    } catch (MailboxException | RuntimeException e) {
      if (MessageGoneException.causedBy(e)) {
        return false;
      }
      throw e;
    }
  }

  /** The matching messages in UID order. */
  private List<MailboxMessage> read(MailboxSession session, Mailbox mailbox, SearchQuery query)
      throws MailboxException {
    SearchMatcher matcher = new SearchMatcher(query, session, textExtractor, attachments, serverZone);
    MessageMapper mapper = mappers.getMessageMapper(session);
    List<MailboxMessage> out = new ArrayList<>();
    for (MessageRange range : UidNarrowing.ranges(query)) {
      Iterator<MailboxMessage> it = mapper.findInMailbox(mailbox, range, MessageMapper.FetchType.FULL, -1);
      while (it.hasNext()) {
        MailboxMessage m = it.next();
        if (matches(matcher, m)) {
          out.add(m);
        }
      }
    }
    out.sort((a, b) -> a.getUid().compareTo(b.getUid()));
    return out;
  }
}
