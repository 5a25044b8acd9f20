package dovetail.proxy.imap;

import org.apache.james.imap.api.ImapConfiguration;
import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.message.response.ImapResponseMessage;
import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.api.process.MailboxType;
import org.apache.james.imap.message.request.ListRequest;
import org.apache.james.imap.message.response.ListResponse;
import org.apache.james.mailbox.model.MailboxMetaData;
import reactor.core.publisher.Mono;

/**
 * A folder that exists only as the parent of others ({@code \Noselect}, e.g. "Archive" of "Archive.2019") has no
 * special use: James's typer went by the name and gave it {@code \Archive}, and a client that archives by that
 * attribute would archive into a folder that takes no message. Dovecot, and the legacy server, show none. With the
 * {@code (SPECIAL-USE)} selection such a folder is not listed at all.
 */
final class NoselectWithoutSpecialUse implements ImapProcessor {
  private final ImapProcessor james;

  NoselectWithoutSpecialUse(ImapProcessor james) {
    this.james = james;
  }

  @Override
  public Mono<Void> processReactive(ImapMessage message, Responder responder, ImapSession session) {
    if (!(message instanceof ListRequest list)) {
      return james.processReactive(message, responder, session);
    }
    boolean specialUseOnly = list.getSelectOptions().contains(ListRequest.ListSelectOption.SPECIAL_USE);
    return james.processReactive(message, new Responder() {
      @Override
      public void respond(ImapResponseMessage response) {
        if (response instanceof ListResponse folder
            && folder.getSelectability() == MailboxMetaData.Selectability.NOSELECT
            && folder.getType().getRfc6154attributeName() != null) {
          if (specialUseOnly) {
            return;
          }
          response = new ListResponse(folder.getChildren(), folder.getSelectability(), folder.getName(),
              folder.getHierarchyDelimiter(), folder.isReturnSubscribed(), folder.isReturnNonExistent(),
              folder.getChildInfos(), MailboxType.OTHER);
        }
        responder.respond(response);
      }

      @Override
      public void flush() {
        responder.flush();
      }
    }, session);
  }

  @Override
  public void configure(ImapConfiguration configuration) {
    james.configure(configuration);
  }
}
