package dovetail.proxy.mailbox;

import java.util.Optional;

/**
 * What the legacy server said of a migrated folder's special use (RFC 6154): the attribute its LIST showed (e.g.
 * {@code \Sent}), or none. Kept in the folder's Dovetail state by the skeleton ({@code legacy.specialuse}).
 */
public record LegacySpecialUse(Optional<String> attribute) {}
