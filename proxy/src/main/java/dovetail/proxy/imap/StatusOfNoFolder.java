package dovetail.proxy.imap;

import dovetail.store.ModifiedUtf7;
import org.apache.james.imap.api.ImapConfiguration;
import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.main.PathConverter;
import org.apache.james.imap.message.request.StatusRequest;
import org.apache.james.imap.message.response.UnpooledStatusResponseFactory;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MailboxSession;
import reactor.core.publisher.Mono;

/**
 * STATUS of a folder that does not exist is Dovecot's {@code NO Mailbox doesn't exist: NAME} (the name as the client
 * wrote it; Dovecot writes it in UTF-8). James 3.8.1 answered {@code NO STATUS failed. Status failed.} and logged an
 * ERROR with a stack trace each time; a client that checks its subscriptions (neomutt's imap_check_subscribed) does so
 * at every poll for each folder renamed away (walk-through 10, W3).
 */
final class StatusOfNoFolder implements ImapProcessor {
  private static final StatusResponseFactory RESPONSES = new UnpooledStatusResponseFactory();

  private final ImapProcessor james;
  private final MailboxManager mailboxes;

  StatusOfNoFolder(ImapProcessor james, MailboxManager mailboxes) {
    this.james = james;
    this.mailboxes = mailboxes;
  }

  @Override
  public Mono<Void> processReactive(ImapMessage message, Responder responder, ImapSession session) {
    MailboxSession mailboxSession = session.getMailboxSession();
    if (!(message instanceof StatusRequest status) || mailboxSession == null) {
      return james.processReactive(message, responder, session);
    }
    return Mono.fromCallable(() -> PathConverter.forSession(session).buildFullPath(status.getMailboxName()))
        .flatMap(path -> Mono.from(mailboxes.mailboxExists(path, mailboxSession)))
        .onErrorReturn(true) // a name James cannot look up: James answers it
        .flatMap(exists -> exists ? james.processReactive(message, responder, session)
            : Replies.sendLater(responder, RESPONSES.taggedNo(status.getTag(), null, new HumanReadableText(
                "dovetail.imap.NONEXISTENT", "Mailbox doesn't exist: " + ModifiedUtf7.encode(status.getMailboxName())))));
  }

  @Override
  public void configure(ImapConfiguration configuration) {
    james.configure(configuration);
  }
}
