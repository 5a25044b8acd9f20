package dovetail.proxy.imap;

import org.apache.james.imap.api.ImapConfiguration;
import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.message.response.ImapResponseMessage;
import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.api.process.MailboxTyper;
import org.apache.james.imap.message.request.LsubRequest;
import org.apache.james.imap.message.response.LSubResponse;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.model.MailboxMetaData;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.search.MailboxQuery;
import reactor.core.publisher.Mono;

/**
 * LSUB shows each subscribed folder's special-use attribute, as Dovecot 2.3 always does (cmd-list.c, for Outlook);
 * James 3.8.1's LSubProcessor shows none. The attribute is the one LIST shows, from the same {@link MailboxTyper}.
 * The typer only looks up what a mailbox search read (it must not block), and LSUB reads subscriptions alone, so the
 * user's folders are searched first. A subscribed name that is no folder (\Noselect) gets no attribute.
 */
final class LsubSpecialUse implements ImapProcessor {
  private final ImapProcessor james;
  private final MailboxManager mailboxes;
  private final MailboxTyper typer;

  LsubSpecialUse(ImapProcessor james, MailboxManager mailboxes, MailboxTyper typer) {
    this.james = james;
    this.mailboxes = mailboxes;
    this.typer = typer;
  }

  @Override
  public Mono<Void> processReactive(ImapMessage message, Responder responder, ImapSession session) {
    MailboxSession mailboxSession = session.getMailboxSession();
    if (!(message instanceof LsubRequest) || mailboxSession == null) {
      return james.processReactive(message, responder, session);
    }
    return mailboxes.search(MailboxQuery.privateMailboxesBuilder(mailboxSession).matchesAllMailboxNames().build(),
            MailboxManager.MailboxSearchFetchType.Minimal, mailboxSession)
        .then()
        .onErrorResume(e -> Mono.empty()) // LSUB answers as James would; the attribute falls back to the name's
        .then(Mono.defer(() -> james.processReactive(message, new Typing(responder, session, mailboxSession), session)));
  }

  @Override
  public void configure(ImapConfiguration configuration) {
    james.configure(configuration);
  }

  /** James's LSUB lines, each with its folder's type. */
  private final class Typing implements Responder {
    private final Responder delegate;
    private final ImapSession session;
    private final MailboxSession mailboxSession;

    Typing(Responder delegate, ImapSession session, MailboxSession mailboxSession) {
      this.delegate = delegate;
      this.session = session;
      this.mailboxSession = mailboxSession;
    }

    @Override
    public void respond(ImapResponseMessage message) {
      if (message instanceof LSubResponse lsub && lsub.getSelectability() == MailboxMetaData.Selectability.NONE) {
        MailboxPath path = MailboxPath.forUser(mailboxSession.getUser(), lsub.getName());
        delegate.respond(new SpecialUseLsub(lsub, typer.getMailboxType(session, path)));
      } else {
        delegate.respond(message);
      }
    }

    @Override
    public void flush() {
      delegate.flush();
    }
  }
}
