package dovetail.proxy.imap;

import java.util.Locale;
import java.util.Set;
import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.response.StatusResponse;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.decode.ImapCommandParser;
import org.apache.james.imap.decode.ImapCommandParserFactory;

/**
 * The commands of extensions that {@link ImapService#DISABLED_CAPABILITIES} keeps out of CAPABILITY, answered as
 * Dovecot 2.3 without them answers: James 3.8.1 still ran some (GETQUOTAROOT answered a quota root, GETACL,
 * LISTRIGHTS and MYRIGHTS an owner's rights) though no client was told they exist.
 *
 * <p>QUOTA, ACL and COMPRESS are plugins in Dovecot; without them it answers {@code BAD ... Unknown command}, and
 * so does James for a command it has no parser for. METADATA is built into Dovecot and off by default: it parses
 * the command and answers {@code NO [CANNOT] Generic mailbox attributes not enabled}.
 */
final class UnofferedCommands {
  private static final Set<String> UNKNOWN = Set.of("GETQUOTA", "GETQUOTAROOT", "SETQUOTA", "GETACL", "SETACL",
      "DELETEACL", "LISTRIGHTS", "MYRIGHTS", "COMPRESS");
  private static final Set<String> REFUSED = Set.of("GETMETADATA", "SETMETADATA");
  /** Dovecot's words (imap-metadata.c). */
  static final HumanReadableText NOT_ENABLED =
      new HumanReadableText("dovetail.imap.METADATA_DISABLED", "Generic mailbox attributes not enabled");

  private UnofferedCommands() {}

  /** {@code parsers} without the unoffered commands: unknown, or (METADATA) refused once parsed. */
  static ImapCommandParserFactory removedFrom(ImapCommandParserFactory parsers, StatusResponseFactory responses) {
    return name -> {
      String command = name == null ? "" : name.toUpperCase(Locale.ROOT);
      if (UNKNOWN.contains(command)) {
        return null;
      }
      ImapCommandParser parser = parsers.getParser(name);
      return REFUSED.contains(command) && parser != null ? refusing(parser, responses) : parser;
    };
  }

  /** James's parser reads the arguments (a syntax error stays BAD); a well-formed command is refused. */
  private static ImapCommandParser refusing(ImapCommandParser parser, StatusResponseFactory responses) {
    return (request, tag, session) -> parser.parse(request, tag, session) instanceof StatusResponse failed
        ? failed
        : responses.taggedNo(tag, null, NOT_ENABLED, ResponseCodeFix.plain("CANNOT"));
  }
}
