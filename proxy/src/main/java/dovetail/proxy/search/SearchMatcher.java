package dovetail.proxy.search;

import java.io.IOException;
import java.io.InputStream;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.Date;
import java.util.Set;
import org.apache.james.mailbox.AttachmentContentLoader;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.extractor.TextExtractor;
import org.apache.james.mailbox.model.SearchQuery;
import org.apache.james.mailbox.model.SearchQuery.Criterion;
import org.apache.james.mailbox.model.SearchQuery.DateOperator;
import org.apache.james.mailbox.model.SearchQuery.DateResolution;
import org.apache.james.mailbox.store.mail.model.MailboxMessage;
import org.apache.james.mailbox.store.search.MessageSearches;
import org.apache.james.mime4j.MimeException;

/**
 * Decides whether one message matches a SearchQuery. Dovetail evaluates the parts where James 3.8.1's
 * MessageSearches is wrong, and hands the sound leaves (flags, sizes, text, header contents) to it:
 * <ul>
 *   <li>AND, OR and NOT are evaluated here, so that every leaf below them is evaluated here too;</li>
 *   <li>UID sets (SEARCH turns sequence sets into them);</li>
 *   <li>dates of the Date: header (SENT*): the sender's own calendar date, not the UTC one (RFC 3501 §6.4.4);</li>
 *   <li>header contents (SUBJECT, FROM, HEADER ...): raw 8-bit text as UTF-8, see {@link HeaderSearch};</li>
 *   <li>BODY and TEXT: decoded text parts, whatever their charset, see {@link MessageText};</li>
 *   <li>INTERNALDATE by day (BEFORE/ON/SINCE): the day in the server's time zone, as Dovecot compares it
 *       (index-search.c adds the local UTC offset before comparing with the search date).</li>
 * </ul>
 */
final class SearchMatcher {
  /** Dovecot counts a missing or unparsable Date: as the epoch in UTC; SENTBEFORE then matches it. */
  private static final LocalDate NO_SENT_DATE = LocalDate.of(1970, 1, 1);

  private final SearchQuery query;
  private final MessageSearches james;
  private final Set<MessageUid> recent;
  private final ZoneId serverZone;

  SearchMatcher(SearchQuery query, MailboxSession session, TextExtractor textExtractor,
      AttachmentContentLoader attachments, ZoneId serverZone) {
    this.query = query;
    this.james = new MessageSearches(Collections.emptyIterator(), query, textExtractor, attachments, session);
    this.recent = query.getRecentMessageUids();
    this.serverZone = serverZone;
  }

  boolean matches(MailboxMessage message) throws MailboxException {
    for (Criterion c : query.getCriteria()) {
      if (!matches(c, message)) {
        return false;
      }
    }
    return true;
  }

  private boolean matches(Criterion c, MailboxMessage m) throws MailboxException {
    if (c instanceof SearchQuery.ConjunctionCriterion j) {
      return switch (j.getType()) {
        case AND -> all(j, m);
        case OR -> any(j, m);
        case NOR -> !any(j, m);
      };
    }
    if (c instanceof SearchQuery.UidCriterion u) {
      for (SearchQuery.UidRange r : u.getOperator().getRange()) {
        if (r.isIn(m.getUid())) {
          return true;
        }
      }
      return false;
    }
    if (c instanceof SearchQuery.HeaderCriterion h && h.getOperator() instanceof DateOperator d
        && d.getDateResultion() == DateResolution.Day) {
      return compare(sentDay(h.getHeaderName(), m), d);
    }
    if (c instanceof SearchQuery.SubjectCriterion s) {
      return HeaderSearch.contains(header(m), "Subject", s.getSubject());
    }
    if (c instanceof SearchQuery.HeaderCriterion h && h.getOperator() instanceof SearchQuery.ContainsOperator o) {
      return HeaderSearch.contains(header(m), h.getHeaderName(), o.getValue());
    }
    if (c instanceof SearchQuery.HeaderCriterion h && h.getOperator() instanceof SearchQuery.AddressOperator a) {
      return HeaderSearch.contains(header(m), h.getHeaderName(), a.getAddress());
    }
    if (c instanceof SearchQuery.TextCriterion t && t.getType() == SearchQuery.Scope.BODY) {
      return text(m, in -> MessageText.bodyContains(in, t.getOperator().getValue()));
    }
    if (c instanceof SearchQuery.TextCriterion t && t.getType() == SearchQuery.Scope.FULL) {
      return text(m, in -> MessageText.textContains(in, t.getOperator().getValue()));
    }
    if (c instanceof SearchQuery.InternalDateCriterion i && i.getOperator().getDateResultion() == DateResolution.Day) {
      return compare(m.getInternalDate().toInstant().atZone(serverZone).toLocalDate(), i.getOperator());
    }
    return james.isMatch(c, m, recent);
  }

  private boolean all(SearchQuery.ConjunctionCriterion j, MailboxMessage m) throws MailboxException {
    for (Criterion c : j.getCriteria()) {
      if (!matches(c, m)) {
        return false;
      }
    }
    return true;
  }

  private boolean any(SearchQuery.ConjunctionCriterion j, MailboxMessage m) throws MailboxException {
    for (Criterion c : j.getCriteria()) {
      if (matches(c, m)) {
        return true;
      }
    }
    return false;
  }

  /** SEARCH puts the IMAP date at some time of that day in UTC (DayMonthYear.toDate); the UTC day is the date. */
  private static boolean compare(LocalDate day, DateOperator d) {
    LocalDate wanted = searchDay(d.getDate());
    return switch (d.getType()) {
      case BEFORE -> day.isBefore(wanted);
      case ON -> day.isEqual(wanted);
      case AFTER -> day.isAfter(wanted);
    };
  }

  static LocalDate searchDay(Date date) {
    return date.toInstant().atZone(ZoneOffset.UTC).toLocalDate();
  }

  private static LocalDate sentDay(String header, MailboxMessage m) throws MailboxException {
    return header(m).first(header).flatMap(SentDate::parse).map(SentDate::day).orElse(NO_SENT_DATE);
  }

  private interface TextSearch {
    boolean in(InputStream message) throws IOException, MimeException;
  }

  private static boolean text(MailboxMessage m, TextSearch search) throws MailboxException {
    try (InputStream in = m.getFullContent()) {
      return search.in(in);
    } catch (IOException | MimeException e) {
      throw new MailboxException("cannot search the text of message " + m.getUid(), e);
    }
  }

  private static HeaderFields header(MailboxMessage m) throws MailboxException {
    try (InputStream in = m.getHeaderContent()) {
      return HeaderFields.read(in);
    } catch (IOException e) {
      throw new MailboxException("cannot read the header of message " + m.getUid(), e);
    }
  }
}
