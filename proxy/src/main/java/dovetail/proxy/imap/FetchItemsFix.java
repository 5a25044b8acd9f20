package dovetail.proxy.imap;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dovetail.proxy.mailbox.MessageGoneException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.james.imap.api.ImapConfiguration;
import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.message.BodyFetchElement;
import org.apache.james.imap.api.message.FetchData;
import org.apache.james.imap.api.message.FetchData.Item;
import org.apache.james.imap.api.message.IdRange;
import org.apache.james.imap.api.message.SectionType;
import org.apache.james.imap.api.message.response.ImapResponseMessage;
import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.api.process.SelectedMailbox;
import org.apache.james.imap.message.request.FetchRequest;
import org.apache.james.imap.message.response.FetchResponse;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.model.Content;
import org.apache.james.mailbox.model.FetchGroup;
import org.apache.james.mailbox.model.Headers;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.model.MessageResult;
import org.apache.james.mailbox.model.MessageResultIterator;
import reactor.core.publisher.Mono;

/**
 * FETCH with Dovetail's own ENVELOPE, BODY, BODYSTRUCTURE and numbered or header-field BODY[section] items, and
 * James 3.8.1's FetchProcessor for the rest (flags, \Seen, MODSEQ, sizes, dates, BODY[], BODY[HEADER],
 * BODY[TEXT]). James's items are wrong where they are replaced: sections of a message/rfc822 part are numbered
 * one level off and HEADER/MIME sections are rebuilt from parsed fields (PartContentBuilder, FetchResponseBuilder),
 * and EnvelopeBuilder drops comment-style names. The replaced items are taken out of the request before James sees
 * it, so James neither reads them nor holds a part in memory; each FETCH response is then completed with
 * Dovetail's items, in the order the client asked for them.
 */
final class FetchItemsFix implements ImapProcessor {
  /**
   * Asked of James only when every item that set \Seen (RFC 3501 §6.4.5) was taken out: FetchData sets \Seen
   * for a request that has a non-PEEK BODY[] item, so one cheap such item keeps James's \Seen handling. Its
   * response item is removed.
   */
  private static final BodyFetchElement SEEN_CARRIER = new BodyFetchElement("BODY[HEADER.FIELDS (X-DOVETAIL-NONE)]",
      SectionType.HEADER_FIELDS, null, List.of("X-DOVETAIL-NONE"), null, null);

  /** A message by folder, UID and the store's GUID (a recreated folder reuses UIDs, not GUIDs). */
  private record Key(MailboxId mailbox, long uid, Object messageId) {}

  private record Stored(Key key, Content content, Headers headers) {}

  /** Messages looked up in one store read while completing a FETCH (their content is opened only when read). */
  private static final int LOOKUP_WINDOW = 500;

  private final ImapProcessor james;
  private final MailboxManager mailboxes;
  private final Cache<Key, MimePart> trees;

  FetchItemsFix(ImapProcessor james, MailboxManager mailboxes, long cachedMessages) {
    this.james = james;
    this.mailboxes = mailboxes;
    this.trees = Caffeine.newBuilder().maximumSize(cachedMessages).build();
  }

  @Override
  public Mono<Void> processReactive(ImapMessage message, Responder responder, ImapSession session) {
    if (!(message instanceof FetchRequest request)) {
      return james.processReactive(message, responder, session);
    }
    Responder out = new ContentOpenedFirst(responder);
    if (!replacesSomething(request.getFetch())) {
      return james.processReactive(message, out, session);
    }
    FetchData asked = request.getFetch();
    FetchRequest forJames = new FetchRequest(request.isUseUids(), request.getIdSet(), forJames(asked), request.getTag());
    return james.processReactive(forJames, new Completing(out, request, session), session);
  }

  private static boolean replacesSomething(FetchData fetch) {
    return fetch.contains(Item.ENVELOPE) || fetch.contains(Item.BODY) || fetch.contains(Item.BODY_STRUCTURE)
        || fetch.getBodyElements().stream().anyMatch(e -> !BodySections.jamesServesIt(e));
  }

  /** The plain items (not BODY[...] sections) of a request; FetchData does not give them as a set. */
  static EnumSet<Item> items(FetchData asked) {
    EnumSet<Item> items = EnumSet.noneOf(Item.class);
    for (Item item : Item.values()) {
      if (asked.contains(item)) {
        items.add(item);
      }
    }
    return items;
  }

  static FetchData forJames(FetchData asked) {
    EnumSet<Item> items = items(asked);
    items.removeAll(EnumSet.of(Item.ENVELOPE, Item.BODY, Item.BODY_STRUCTURE));
    // The UID names the message to complete; it is removed again if the client did not ask for it.
    items.add(Item.UID);
    FetchData.Builder b = FetchData.builder().fetch(items).vanished(asked.getVanished());
    if (asked.getChangedSince() != -1) {
      b.changedSince(asked.getChangedSince());
    }
    boolean kept = false;
    for (BodyFetchElement e : asked.getBodyElements()) {
      if (BodySections.jamesServesIt(e)) {
        b.add(e, !asked.isSetSeen());
        kept = true;
      }
    }
    if (asked.isSetSeen() && !kept) {
      b.add(SEEN_CARRIER, false);
    }
    return b.build();
  }

  @Override
  public void configure(ImapConfiguration configuration) {
    james.configure(configuration);
  }

  /** Completes each FETCH response with the items James was not asked for. */
  private final class Completing implements Responder {
    private final Responder delegate;
    private final FetchRequest request;
    private final FetchData asked;
    private final ImapSession session;
    private final java.util.Set<Integer> completed = new java.util.HashSet<>();
    /** Only ENVELOPE is Dovetail's: the message's header answers it, the body need not be parsed. */
    private final boolean headerOnly;
    /** Looked up ahead of their responses: one folder read per window, not one per message. */
    private final Map<Long, Stored> ahead = new HashMap<>();
    private long aheadFrom = 1;
    private long aheadTo;

    Completing(Responder delegate, FetchRequest request, ImapSession session) {
      this.delegate = delegate;
      this.request = request;
      this.asked = request.getFetch();
      this.session = session;
      this.headerOnly = asked.contains(Item.ENVELOPE) && !asked.contains(Item.BODY)
          && !asked.contains(Item.BODY_STRUCTURE) && asked.getBodyElements().stream().allMatch(BodySections::jamesServesIt);
    }

    @Override
    public void respond(ImapResponseMessage message) {
      // Only the command's own response for a message is completed: a later one for the same message is an
      // unsolicited flag update (RFC 3501 §7), sent after the command's responses.
      if (message instanceof FetchResponse response && response.getUid() != null
          && completed.add(response.getMessageNumber().asInt())) {
        try {
          message = complete(response);
        } catch (IOException | MailboxException | RuntimeException e) {
          if (MessageGoneException.causedBy(e)) {
            return; // another writer removed it: left out, as ContentOpenedFirst leaves out what James reads
          }
          throw new IllegalStateException("cannot read message " + response.getUid() + " for FETCH", e);
        }
      }
      delegate.respond(message);
    }

    private FetchResponse complete(FetchResponse r) throws IOException, MailboxException {
      Stored stored = stored(r.getUid(), r.getMessageNumber().asInt());
      if (stored == null) {
        return r;
      }
      BodySections.Source source = stored.content()::getInputStream;
      MimePart root = headerOnly ? headerTree(stored) : tree(stored.key(), source);
      List<FetchResponse.BodyElement> elements = new ArrayList<>();
      for (BodyFetchElement e : asked.getBodyElements()) {
        if (BodySections.jamesServesIt(e)) {
          String name = BodySections.responseName(e);
          r.getElements().stream().filter(j -> j.getName().equals(name)).findFirst().ifPresent(elements::add);
        } else {
          elements.add(BodySections.element(e, root, source));
        }
      }
      FetchResponse.Envelope envelope = asked.contains(Item.ENVELOPE) ? Envelopes.of(root) : null;
      FetchResponse.Structure body = asked.contains(Item.BODY) && asked.getBodyElements().isEmpty()
          ? Structures.of(root) : null;
      FetchResponse.Structure structure = asked.contains(Item.BODY_STRUCTURE) ? Structures.of(root) : null;
      return new FetchResponse(r.getMessageNumber(), r.getFlags(), asked.contains(Item.UID) ? r.getUid() : null,
          r.getSaveDate(), r.getModSeq(), r.getInternalDate(), r.getSize(), envelope, body, structure, elements,
          r.getEmailId(), r.getThreadId());
    }

    private Stored stored(MessageUid uid, int msn) throws MailboxException, IOException {
      SelectedMailbox selected = session.getSelected();
      MailboxSession mailboxSession = session.getMailboxSession();
      if (selected == null || mailboxSession == null) {
        return null;
      }
      long u = uid.asLong();
      if (u < aheadFrom || u > aheadTo) {
        lookAhead(selected, mailboxSession, u, msn);
      }
      Stored stored = ahead.remove(u);
      return stored != null && stored.key().mailbox().equals(selected.getMailboxId()) ? stored : null;
    }

    /**
     * Looks up the messages from {@code uid} to the end of the requested range that holds it (at most
     * {@link #LOOKUP_WINDOW} UIDs): a message missing from the answer is gone, as a lookup of it alone would say.
     */
    private void lookAhead(SelectedMailbox selected, MailboxSession mailboxSession, long uid, int msn)
        throws MailboxException, IOException {
      long to = Math.max(uid, Math.min(uid + LOOKUP_WINDOW - 1, lastRequestedUid(selected, uid, msn)));
      ahead.clear();
      aheadFrom = uid;
      aheadTo = to;
      MessageResultIterator it = mailboxes.getMailbox(selected.getMailboxId(), mailboxSession)
          .getMessages(MessageRange.range(MessageUid.of(uid), MessageUid.of(to)), FetchGroup.FULL_CONTENT, mailboxSession);
      while (it.hasNext()) {
        MessageResult result = it.next();
        long u = result.getUid().asLong();
        ahead.put(u, new Stored(new Key(selected.getMailboxId(), u, result.getMessageId()), result.getFullContent(),
            result.getHeaders()));
      }
    }

    /** The highest UID of the requested range that holds this message ({@code uid} itself when none does). */
    private long lastRequestedUid(SelectedMailbox selected, long uid, int msn) {
      for (IdRange range : request.getIdSet()) {
        if (request.isUseUids() && holds(range, uid)) {
          return range.getHighVal();
        }
        if (!request.isUseUids() && holds(range, msn)) {
          long last = Math.min(range.getHighVal(), selected.existsCount());
          return last > Integer.MAX_VALUE ? uid : selected.uid((int) last).map(MessageUid::asLong).orElse(uid);
        }
      }
      return uid;
    }

    private static boolean holds(IdRange range, long id) {
      return range.getLowVal() <= id && id <= range.getHighVal();
    }

    /**
     * The message's header parsed alone (kept headers come from memory, see ShapeCache): its fields are the
     * same as in the whole message's tree, which is used when it is cached anyway.
     */
    private MimePart headerTree(Stored stored) throws IOException {
      MimePart cached = trees.getIfPresent(stored.key());
      if (cached != null) {
        return cached;
      }
      try (InputStream in = stored.headers().getInputStream()) {
        return MimeParser.parse(in);
      }
    }

    private MimePart tree(Key key, BodySections.Source source) {
      return trees.get(key, k -> {
        try (InputStream in = source.open()) {
          return MimeParser.parse(in);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }

    @Override
    public void flush() {
      delegate.flush();
    }
  }
}
