package dovetail.proxy.search;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.model.MessageResult;

/**
 * Orders messages by RFC 5256 sort keys. Strings compare in i;unicode-casemap form, numbers and dates as numbers;
 * messages equal under every key stay in sequence (= UID) order, as RFC 5256 §3 asks, REVERSE or not.
 */
final class SortOrder {
  private final List<SortKey> keys;

  SortOrder(List<SortKey> keys) {
    this.keys = keys;
  }

  /** One message's keys, read once. */
  record Entry(MessageUid uid, Object[] values) {}

  Entry entry(MessageResult m) throws IOException {
    HeaderFields headers;
    try (InputStream in = m.getHeaders().getInputStream()) {
      headers = HeaderFields.read(in);
    } catch (Exception e) {
      throw new IOException("cannot read the header of message " + m.getUid(), e);
    }
    Object[] values = new Object[keys.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = value(keys.get(i).criterion(), m, headers);
    }
    return new Entry(m.getUid(), values);
  }

  private static Object value(SortKey.Criterion c, MessageResult m, HeaderFields h) {
    long arrival = m.getInternalDate().getTime() / 1000;
    return switch (c) {
      case ARRIVAL -> arrival;
      case SIZE -> m.getSize();
      // RFC 5256 §3: without a usable Date: header the INTERNALDATE stands in for the sent date
      case DATE -> h.first("Date").flatMap(SentDate::parse).map(d -> d.instant().getEpochSecond()).orElse(arrival);
      case SUBJECT -> h.first("Subject").map(BaseSubject::of).orElse("");
      case FROM -> mailbox(h, "From");
      case TO -> mailbox(h, "To");
      case CC -> mailbox(h, "Cc");
      case DISPLAYFROM -> display(h, "From");
      case DISPLAYTO -> display(h, "To");
    };
  }

  private static String mailbox(HeaderFields h, String field) {
    return UnicodeCasemap.key(h.first(field).flatMap(FirstAddress::parse).map(FirstAddress::mailbox).orElse(""));
  }

  private static String display(HeaderFields h, String field) {
    return UnicodeCasemap.key(h.first(field).flatMap(FirstAddress::parse).map(FirstAddress::displayName).orElse(""));
  }

  List<MessageUid> sort(List<Entry> entries) {
    List<Entry> sorted = new ArrayList<>(entries);
    sorted.sort(comparator());
    return sorted.stream().map(Entry::uid).toList();
  }

  private Comparator<Entry> comparator() {
    return (a, b) -> {
      for (int i = 0; i < keys.size(); i++) {
        int c = compare(a.values()[i], b.values()[i]);
        if (c != 0) {
          return keys.get(i).reverse() ? -c : c;
        }
      }
      return a.uid().compareTo(b.uid());
    };
  }

  private static int compare(Object a, Object b) {
    if (a instanceof Long x && b instanceof Long y) {
      return Long.compare(x, y);
    }
    return UnicodeCasemap.compare((String) a, (String) b);
  }
}
