package dovetail.migrator.source;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Translates a legacy folder name into the local store's name: strips {@code imapc_list_prefix}, maps
 * the legacy separator to '/', and decodes modified UTF-7. Follows Dovecot's imapc-list.c
 * ({@code imapc_list_get_vname}): INBOX is INBOX whatever the prefix, and names outside the prefix are
 * not part of the user's mailbox. Pure: no I/O beyond warnings in the log.
 */
public final class FolderNameMapper {
  private static final Logger LOG = LoggerFactory.getLogger(FolderNameMapper.class);
  /** The store's separator ({@code MailStore.SEPARATOR}). */
  public static final char LOCAL_SEPARATOR = '/';
  private static final String INBOX = "INBOX";

  private final String listPrefix;

  /** @param listPrefix imapc_list_prefix, e.g. "INBOX"; "" for none */
  public FolderNameMapper(String listPrefix) {
    this.listPrefix = Objects.requireNonNull(listPrefix, "imapc_list_prefix");
  }

  public Optional<String> toLocal(LegacyFolder folder) {
    return toLocal(folder.legacyName(), folder.separator());
  }

  /**
   * @param legacyName the name as on the wire, one char per octet
   * @param separator the legacy hierarchy separator, or {@link LegacyFolder#NO_SEPARATOR}
   * @return the local name, or empty for the prefix itself and for names outside the prefix
   */
  public Optional<String> toLocal(String legacyName, char separator) {
    // RFC 3501 5.1: INBOX is case-insensitive; Courier lists it as the prefix itself.
    if (legacyName.equalsIgnoreCase(INBOX)) {
      return Optional.of(INBOX);
    }
    String name = legacyName;
    boolean hasSeparator = separator != LegacyFolder.NO_SEPARATOR;
    // UW-style servers list a directory as "Mail/": the trailing separator is not part of the name.
    while (hasSeparator && name.length() > 1 && name.charAt(name.length() - 1) == separator) {
      name = name.substring(0, name.length() - 1);
    }
    if (!listPrefix.isEmpty()) {
      if (!underPrefix(name, separator)) {
        LOG.debug("legacy folder '{}' is outside imapc_list_prefix '{}': skipped", legacyName, listPrefix);
        return Optional.empty();
      }
      name = name.substring(listPrefix.length() + 1);
    }
    StringBuilder local = new StringBuilder(name.length());
    int start = 0;
    while (true) {
      int end = hasSeparator ? name.indexOf(separator, start) : -1;
      String level = name.substring(start, end < 0 ? name.length() : end);
      if (start > 0) {
        local.append(LOCAL_SEPARATOR);
      }
      local.append(decodeLevel(level, legacyName, separator));
      if (end < 0) {
        break;
      }
      start = end + 1;
    }
    return Optional.of(local.toString());
  }

  /**
   * Whether imapc_list_prefix is set and {@code legacyName} lies below it: the operator chose that subtree, so it is
   * migrated whatever namespace the server puts it in.
   */
  public boolean insideListPrefix(String legacyName, char separator) {
    return !listPrefix.isEmpty() && !legacyName.equalsIgnoreCase(INBOX) && underPrefix(legacyName, separator);
  }

  private boolean underPrefix(String name, char separator) {
    boolean ignoreCase = listPrefix.equalsIgnoreCase(INBOX);
    int len = listPrefix.length();
    return separator != LegacyFolder.NO_SEPARATOR && name.length() > len + 1
        && name.regionMatches(ignoreCase, 0, listPrefix, 0, len) && name.charAt(len) == separator;
  }

  private static String decodeLevel(String level, String legacyName, char separator) {
    String decoded = Optional.ofNullable(dovetail.store.ModifiedUtf7.decodeOrNull(level)).orElseGet(() -> {
      String verbatim = verbatim(level);
      LOG.warn("legacy folder '{}': '{}' is not valid modified UTF-7 (RFC 3501 5.1.3); kept verbatim as '{}'",
          legacyName, level, verbatim);
      return verbatim;
    });
    if (separator != LOCAL_SEPARATOR && decoded.indexOf(LOCAL_SEPARATOR) >= 0) {
      LOG.warn("legacy folder '{}': level '{}' contains '{}', which is a hierarchy separator locally",
          legacyName, decoded, LOCAL_SEPARATOR);
    }
    return decoded;
  }

  /** Raw octets as a broken server most likely meant them: UTF-8 when they are valid UTF-8, else Latin-1. */
  private static String verbatim(String octets) {
    byte[] bytes = octets.getBytes(StandardCharsets.ISO_8859_1);
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      return octets;
    }
  }
}
