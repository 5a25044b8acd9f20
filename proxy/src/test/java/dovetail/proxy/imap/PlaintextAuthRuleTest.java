package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.conf.ConfigLoader;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import org.apache.james.imap.encode.FakeImapSession;
import org.apache.james.imapserver.netty.ImapChannelUpstreamHandler;
import org.apache.james.util.MDCBuilder;
import org.junit.jupiter.api.Test;

/**
 * ssl = required or disable_plaintext_auth = yes: plaintext LOGIN from another host is refused; loopback and TLS are
 * fine.
 */
class PlaintextAuthRuleTest {
  private static Optional<InetAddress> ip(String literal) {
    return ClientAddress.parse(literal);
  }

  @Test
  void requiredRefusesRemotePlaintextOnly() {
    PlaintextAuthRule required = new PlaintextAuthRule(true);
    assertFalse(required.allows(false, ip("192.0.2.10")));
    assertFalse(required.allows(false, ip("2001:db8::1")));
    assertFalse(required.allows(false, Optional.empty()), "an unknown address counts as remote");
    assertTrue(required.allows(false, ip("127.0.0.1")));
    assertTrue(required.allows(false, ip("127.5.6.7")));
    assertTrue(required.allows(false, ip("::1")));
    assertTrue(required.allows(true, ip("192.0.2.10")));
  }

  @Test
  void yesAllowsPlaintext() {
    assertTrue(new PlaintextAuthRule(false).allows(false, ip("192.0.2.10")));
  }

  private static PlaintextAuthRule ruleOf(String config) {
    return PlaintextAuthRule.of(ConfigLoader.fromString("dovetail.conf", config, List.of()).tls());
  }

  @Test
  void theListenersRuleFollowsDisablePlaintextAuthWhichIsOnByDefault() {
    assertFalse(ruleOf("").allows(false, ip("192.0.2.10")), "Dovecot's default: disable_plaintext_auth = yes");
    assertTrue(ruleOf("").allows(false, ip("127.0.0.1")));
    assertTrue(ruleOf("").allows(true, ip("192.0.2.10")));
    assertTrue(ruleOf("disable_plaintext_auth = no\n").allows(false, ip("192.0.2.10")));
  }

  @Test
  void hostNamesAreNotLookedUp() {
    assertTrue(ClientAddress.parse("example.org").isEmpty());
  }

  private static FakeImapSession sessionFrom(String ip) {
    FakeImapSession session = new FakeImapSession();
    session.setAttribute(ImapChannelUpstreamHandler.MDC_KEY, MDCBuilder.create().addToContext(MDCBuilder.IP, ip));
    return session;
  }

  @Test
  void jamesSeesPlainAuthDisallowedForARemoteClientWithoutTls() {
    PlaintextAuthRule required = new PlaintextAuthRule(true);
    assertTrue(SessionView.of(sessionFrom("192.0.2.10"), required).isPlainAuthDisallowed(),
        "LOGIN refused and LOGINDISABLED advertised");
    assertFalse(SessionView.of(sessionFrom("127.0.0.1"), required).isPlainAuthDisallowed());
    assertFalse(SessionView.of(sessionFrom("192.0.2.10"), new PlaintextAuthRule(false)).isPlainAuthDisallowed());
  }
}
