package dovetail.migrator.copy;

import dovetail.conf.Pop3MigrationSettings;
import dovetail.migrator.pop3.Pop3UidlMatcher;
import dovetail.migrator.pop3.Pop3UidlMatcher.ImapMessage;
import dovetail.migrator.pop3.Pop3UidlMatcher.Match;
import dovetail.migrator.source.LegacyImapSession;
import dovetail.migrator.source.LegacyMessageInfo;
import dovetail.migrator.source.LegacyPop3Endpoint;
import dovetail.migrator.source.LegacyPop3Message;
import dovetail.migrator.source.LegacyPop3Session;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Pop3Uidls} from the legacy POP3 server, as Dovecot's pop3_migration plugin does it: all IMAP work
 * first (metadata, and headers only for what sizes cannot match), then one POP3 session (UIDL, LIST, and TOP
 * n 0 where needed). Fails closed unless pop3_migration_ignore_missing_uidls / _ignore_extra_uidls /
 * _ignore_invalid_uidls allow otherwise.
 */
public final class Pop3UidlAssignment implements Pop3Uidls {
  private static final Logger LOG = LoggerFactory.getLogger(Pop3UidlAssignment.class);

  private final LegacyPop3Endpoint endpoint;
  private final Pop3MigrationSettings rules;
  private final String user;

  public Pop3UidlAssignment(LegacyPop3Endpoint endpoint, Pop3MigrationSettings rules, String user) {
    this.endpoint = endpoint;
    this.rules = rules;
    this.user = user;
  }

  @Override
  public boolean appliesTo(String folder) {
    return rules.allMailboxes() || folder.equalsIgnoreCase("INBOX");
  }

  @Override
  public Map<Long, Uidl> assign(LegacyImapSession session, String legacyName, List<LegacyMessageInfo> all) {
    List<ImapMessage> imap = new ArrayList<>(all.size());
    boolean sizesKnown = true;
    for (LegacyMessageInfo m : all) {
      imap.add(new ImapMessage(m.uid(), m.rfc822Size()));
      sizesKnown &= m.rfc822Size() >= 0;
    }
    boolean skipSizes = rules.skipSizeCheck() || !sizesKnown;
    // The IMAP headers are fetched before the POP3 session opens, so that it never idles while IMAP works.
    Map<Long, byte[]> imapHeaders = session.fetchHeaders(legacyName, imap.stream().map(ImapMessage::uid).toList());
    Pop3UidlMatcher.Result result;
    try (LegacyPop3Session pop3 = LegacyPop3Session.open(endpoint, user)) {
      List<LegacyPop3Message> listing = pop3.list();
      warnOfSharedUidls(listing);
      result = Pop3UidlMatcher.match(imap, listing, Pop3UidlMatcher.Headers.of(imapHeaders, pop3::headers), skipSizes);
    }
    // As Dovecot's plugin: a POP3 message without an IMAP twin stops the folder unless ignore_missing_uidls, or
    // ignore_extra_uidls when every IMAP message was matched (POP3 merely has more, e.g. a mail delivered meanwhile).
    // An IMAP message without a POP3 twin keeps no UIDL and is served under pop3_uidl_format; that never stops it.
    if (!result.missingInImap().isEmpty()) {
      LegacyPop3Message first = result.missingInImap().get(0);
      boolean allImapFound = result.withoutUidl().isEmpty();
      String text = result.missingInImap().size() + " POP3 messages have no IMAP message in " + legacyName
          + " (first: POP3 message " + first.seq() + ", UIDL " + first.uidl() + ")";
      if (!rules.ignoreMissingUidls() && !(allImapFound && rules.ignoreExtraUidls())) {
        throw new MismatchException(text + "; set pop3_migration_ignore_missing_uidls = yes"
            + (allImapFound ? " or pop3_migration_ignore_extra_uidls = yes" : "") + " to migrate anyway");
      }
      LOG.warn("{}: {}; migrating anyway, as configured", user, text);
    }
    if (!result.withoutUidl().isEmpty()) {
      LOG.info("{}: {} IMAP messages in {} have no POP3 twin (first: UID {}); they keep no legacy UIDL", user,
          result.withoutUidl().size(), legacyName, result.withoutUidl().get(0));
    }
    Map<Long, Uidl> out = new HashMap<>();
    for (Map.Entry<Long, Match> e : result.byUid().entrySet()) {
      String uidl = e.getValue().uidl();
      if (uidl.isEmpty() || uidl.length() > 70 || uidl.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
        if (!rules.ignoreInvalidUidls()) {
          throw new MismatchException("UID " + e.getKey() + " in " + legacyName + " has a POP3 UIDL that cannot be "
              + "stored ('" + uidl + "': RFC 1939 allows 1-70 printable characters); set "
              + "pop3_migration_ignore_invalid_uidls = yes to migrate it without");
        }
        continue;
      }
      out.put(e.getKey(), new Uidl(uidl, e.getValue().pop3Seq()));
    }
    LOG.info("{}: {} POP3 UIDLs matched ({} by size), {} POP3 messages without IMAP, {} IMAP messages without UIDL",
        legacyName, out.size(), result.matchedBySize(), result.missingInImap().size(), result.withoutUidl().size());
    return out;
  }

  /**
   * RFC 1939 wants a UIDL to be unique in the maildrop. Messages that share one are copied with it as the legacy
   * server said (clients that saw them there see the same here), but an operator should know.
   */
  private void warnOfSharedUidls(List<LegacyPop3Message> listing) {
    Map<String, List<Integer>> byUidl = new HashMap<>();
    for (LegacyPop3Message m : listing) {
      byUidl.computeIfAbsent(m.uidl(), u -> new ArrayList<>()).add(m.seq());
    }
    byUidl.forEach((uidl, seqs) -> {
      if (seqs.size() > 1) {
        LOG.warn("{}: the legacy POP3 server gives {} messages the same UIDL {} (messages {}); copied as it says",
            user, seqs.size(), uidl, seqs);
      }
    });
  }
}
