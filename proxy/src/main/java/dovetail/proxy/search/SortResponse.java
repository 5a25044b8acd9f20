package dovetail.proxy.search;

import java.util.List;
import org.apache.james.imap.api.message.response.ImapResponseMessage;
import org.apache.james.mailbox.ModSeq;

/** {@code * SORT n...}, with {@code (MODSEQ m)} when the search had a MODSEQ key (RFC 7162 §3.1.5). */
record SortResponse(List<Long> ids, ModSeq highestModSeq) implements ImapResponseMessage {}
