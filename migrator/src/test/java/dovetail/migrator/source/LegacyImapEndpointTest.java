package dovetail.migrator.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.migrator.source.LegacyImapEndpoint.MasterLoginStyle;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LegacyImapEndpointTest {
  @Test
  void toStringNeverShowsThePassword() {
    LegacyImapEndpoint e = LegacyImapEndpoint.builder("imap.example.com").password("s3cret-Pa55")
        .masterUser("master", MasterLoginStyle.SASL).build();
    assertFalse(e.toString().contains("s3cret-Pa55"), e::toString);
    assertTrue(e.toString().contains("master"));
  }

  @Test
  void invalidSettingsNameTheirKey() {
    IllegalArgumentException port = assertThrows(IllegalArgumentException.class,
        () -> LegacyImapEndpoint.builder("h").port(0).build());
    assertTrue(port.getMessage().startsWith("imapc_port"), port::getMessage);
    IllegalArgumentException host = assertThrows(IllegalArgumentException.class,
        () -> LegacyImapEndpoint.builder(" ").build());
    assertTrue(host.getMessage().startsWith("imapc_host"), host::getMessage);
    assertThrows(IllegalArgumentException.class,
        () -> LegacyImapEndpoint.builder("h").timeouts(Duration.ZERO, Duration.ofSeconds(1)).build());
  }

  @Test
  void featuresAreLowerCase() {
    LegacyImapEndpoint e = LegacyImapEndpoint.builder("h").features(Set.of("RFC822.SIZE", "Fetch-Headers")).build();
    assertTrue(e.hasFeature("rfc822.size"));
    assertTrue(e.hasFeature("fetch-headers"));
  }

  @Test
  void aUsersOwnPasswordReplacesTheMasterUser() {
    LegacyImapEndpoint e = LegacyImapEndpoint.builder("h").password("masterpw")
        .masterUser("master", MasterLoginStyle.SEPARATOR).build();
    LegacyImapEndpoint own = e.withUserPassword("userpw");
    assertFalse(own.hasMasterUser());
    assertEquals("userpw", own.password());
    assertEquals(e.host(), own.host());
  }

  @Test
  void firstPieceStaysWithinTheBuffer() {
    assertEquals(1 << 20, new FetchLimits(10, 1 << 20, 64L << 20).firstPieceBytes());
    assertEquals(109_226, new FetchLimits(100, 1 << 20, 32_768_000L).firstPieceBytes());
    FetchLimits huge = new FetchLimits(10_000, 1 << 20, 32L << 20);
    assertEquals(170, huge.effectiveBatch(), "three batches of 64 KiB pieces must fit into 32 MiB");
    assertEquals(65_793, huge.firstPieceBytes());
    assertEquals(FetchLimits.defaults(), FetchLimits.defaults().withBatchMessages(0));
    assertEquals(20, FetchLimits.defaults().withBatchMessages(20).batchMessages());
  }
}
