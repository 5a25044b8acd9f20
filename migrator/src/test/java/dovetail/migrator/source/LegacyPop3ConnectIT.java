package dovetail.migrator.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.migrator.source.LegacyException.Kind;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Opening the legacy POP3 connection against servers that break it off. */
class LegacyPop3ConnectIT {
  /**
   * couriertcpd closes a connection over MAXPERIP (Debian's Courier POP3: 4 per address) at once. Angus reports that
   * as a failed authentication ("EOF on socket"), which read as a refused password (walk-through 15, F6).
   */
  @Test
  void aConnectionClosedAtOnceIsUnavailableAndNamesAPerAddressLimit() throws Exception {
    try (ClosingServer closing = new ClosingServer()) {
      LegacyPop3Endpoint endpoint = new LegacyPop3Endpoint("127.0.0.1", closing.port(),
          LegacyPop3Endpoint.SslMode.NONE, true, null, null, "%u", "", "pw", Duration.ofSeconds(5),
          Duration.ofSeconds(5));
      LegacyException e = assertThrows(LegacyException.class, () -> LegacyPop3Session.open(endpoint, "alice"));
      assertEquals(Kind.UNAVAILABLE, e.kind(), e::getMessage);
      assertTrue(e.getMessage().startsWith("POP3 127.0.0.1:" + closing.port() + " for alice: the server closed the"
          + " connection before its greeting or at the login: a limit of connections per client address (Courier's"
          + " MAXPERIP)?"), e::getMessage);
    }
  }
}
