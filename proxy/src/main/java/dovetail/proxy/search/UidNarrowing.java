package dovetail.proxy.search;

import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.ArrayList;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.model.SearchQuery;
import org.apache.james.mailbox.model.SearchQuery.Criterion;

/**
 * Which UIDs a query can match at most, so that a search reads fewer messages: a UID set that every match must
 * satisfy, found at the top of the query or under AND only (never under OR or NOT, where it does not limit the
 * matches). The ranges come back disjoint, so that no message is read twice.
 */
final class UidNarrowing {
  private UidNarrowing() {}

  static List<MessageRange> ranges(SearchQuery query) {
    return required(query.getCriteria())
        .map(UidNarrowing::disjoint)
        .orElse(List.of(MessageRange.all()));
  }

  private static Optional<SearchQuery.UidRange[]> required(List<Criterion> conjunction) {
    for (Criterion c : conjunction) {
      if (c instanceof SearchQuery.UidCriterion u) {
        return Optional.of(u.getOperator().getRange());
      }
      if (c instanceof SearchQuery.ConjunctionCriterion j && j.getType() == SearchQuery.Conjunction.AND) {
        Optional<SearchQuery.UidRange[]> inner = required(j.getCriteria());
        if (inner.isPresent()) {
          return inner;
        }
      }
    }
    return Optional.empty();
  }

  private static List<MessageRange> disjoint(SearchQuery.UidRange[] ranges) {
    TreeMap<MessageUid, MessageUid> merged = new TreeMap<>();
    for (SearchQuery.UidRange r : ranges) {
      MessageUid low = r.getLowValue();
      MessageUid high = r.getHighValue();
      var before = merged.floorEntry(low);
      if (before != null && before.getValue().compareTo(low) >= 0) {
        low = before.getKey();
        high = max(high, before.getValue());
        merged.remove(before.getKey());
      }
      var next = merged.ceilingEntry(low);
      while (next != null && next.getKey().compareTo(high) <= 0) {
        high = max(high, next.getValue());
        merged.remove(next.getKey());
        next = merged.ceilingEntry(low);
      }
      merged.put(low, high);
    }
    List<MessageRange> out = new ArrayList<>();
    merged.forEach((low, high) -> out.add(MessageRange.range(low, high)));
    return out;
  }

  private static MessageUid max(MessageUid a, MessageUid b) {
    return a.compareTo(b) >= 0 ? a : b;
  }
}
