package org.universis.racket.relay.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.universis.racket.relay.RelayConfig;

/**
 * The Host rules for binds the tests may not open (wildcard and other hosts' addresses; nothing
 * is bound here), and the clear-text warning. BrowserIsolationIT covers a loopback relay.
 */
class BrowserGuardTest {

  private static BrowserGuard guard(RelayConfig.Builder config) {
    return new BrowserGuard(config.build(), new Responses(new Metrics()));
  }

  @Test
  void aWildcardBindAcceptsAddressLiteralsAndLoopbackNamesButOnlyListedNames() {
    BrowserGuard g = guard(RelayConfig.builder().host("0.0.0.0").token("t").allowHost("relay.example.com"));
    assertTrue(g.hostAllowed("192.0.2.7:14440", 14440));
    assertTrue(g.hostAllowed("[2001:db8::7]:14440", 14440));
    assertTrue(g.hostAllowed("localhost:14440", 14440));
    assertTrue(g.hostAllowed("relay.example.com", 14440)); // a proxy's Host, any port
    assertFalse(g.hostAllowed("192.0.2.7:8080", 14440), "another port");
    assertFalse(g.hostAllowed("evil.example:14440", 14440), "a name is what DNS rebinding forges");
    assertFalse(g.hostAllowed("192.0.2.7.evil.example:14440", 14440));
  }

  @Test
  void anAddressBindAcceptsItselfAndLoopbackNamesOnly() {
    BrowserGuard g = guard(RelayConfig.builder().host("192.0.2.1").token("t"));
    assertTrue(g.hostAllowed("192.0.2.1:14440", 14440));
    assertTrue(g.hostAllowed("[::1]:14440", 14440));
    assertFalse(g.hostAllowed("192.0.2.7:14440", 14440), "another address");
    assertFalse(g.hostAllowed("relay.example.com:14440", 14440), "an unlisted name");
    BrowserGuard v6 = guard(RelayConfig.builder().host("::1"));
    assertTrue(v6.hostAllowed("[::1]:14440", 14440));
    assertTrue(v6.hostAllowed("[::1]", 80), "no port: the scheme's");
    assertFalse(v6.hostAllowed("[::1]", 14440));
    assertFalse(v6.hostAllowed("localhost:x", 14440));
  }

  @Test
  void originsCompareWithTheirPortWritten() {
    assertEquals("https://ops.example.com:443", BrowserGuard.normalOrigin("HTTPS://Ops.Example.com"));
    assertEquals("http://localhost:8080", BrowserGuard.normalOrigin("http://localhost:8080"));
    assertEquals("http://[::1]:80", BrowserGuard.normalOrigin("http://[::1]"));
    assertEquals("null", BrowserGuard.normalOrigin("null"));
  }

  @Test
  void onlyARelayOtherHostsReachWithoutTlsWarnsOfClearText() {
    String warning = RelayServer.cleartextWarning(RelayConfig.builder().host("192.0.2.1").token("t").build());
    assertTrue(warning.contains("192.0.2.1 without TLS: tokens and events travel in clear"), warning);
    assertTrue(warning.contains("--tls-cert"), warning);
    assertNull(RelayServer.cleartextWarning(RelayConfig.builder().build()));
    assertNull(RelayServer.cleartextWarning(RelayConfig.builder().host("localhost").build()));
  }
}
