package dovetail.proxy.search;

import java.util.List;
import org.apache.james.imap.api.ImapCommand;
import org.apache.james.imap.api.Tag;
import org.apache.james.imap.api.message.request.SearchKey;
import org.apache.james.imap.message.request.AbstractImapRequest;

/** SORT or UID SORT (RFC 5256): the keys in order of precedence, and what to search for. */
final class SortRequest extends AbstractImapRequest {
  static final ImapCommand SORT = ImapCommand.selectedStateCommand("SORT");

  private final List<SortKey> keys;
  private final SearchKey search;
  private final boolean useUids;

  SortRequest(Tag tag, List<SortKey> keys, SearchKey search, boolean useUids) {
    super(tag, SORT);
    this.keys = List.copyOf(keys);
    this.search = search;
    this.useUids = useUids;
  }

  List<SortKey> keys() {
    return keys;
  }

  SearchKey search() {
    return search;
  }

  boolean useUids() {
    return useUids;
  }
}
