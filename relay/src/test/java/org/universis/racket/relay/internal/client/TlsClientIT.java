package org.universis.racket.relay.internal.client;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.universis.racket.relay.internal.server.RelayProcess;
import org.universis.racket.relay.internal.server.TestCertificate;

/**
 * Client JVMs against a relay process that serves HTTPS with a certificate made for the test:
 * with {@code tls-ca} they round-trip events; without it, or at a name the certificate does not
 * carry, they connect to nothing and say what to set.
 */
class TlsClientIT {

  @TempDir static Path dir;
  private static TestCertificate certificate;

  @BeforeAll
  static void certificate() throws Exception {
    certificate = TestCertificate.generate(dir, "relay", "RSA");
  }

  @Test
  void aClientTrustingTheCertificateRoundTripsAnEvent() throws Exception {
    try (RelayProcess relay = relay();
        ChildJvm child = child("https://localhost:" + relay.port(), true)) {
      child.send("ready");
      child.await("READY"::equals, 60, "READY");
      // Enough to fill TLS records and frames in both directions, not just one small message.
      child.send("emit tls.check 1 3000");
      child.await("EMITTED 3000"::equals, 60, "EMITTED 3000");
      child.awaitCount(l -> l.startsWith("EVENT tls.> ") && l.contains(" tls.check child "), 3000, 60,
          "its own events back");
    }
  }

  @Test
  void aClientWithoutTheCertificateConnectsToNothingAndSaysWhatToSet() throws Exception {
    try (RelayProcess relay = relay()) {
      String url = "https://localhost:" + relay.port();
      try (ChildJvm child = child(url, false)) {
        String warning = child.await(l -> l.contains("cannot reach the racket relay at " + url), 60,
            "a warning naming the url");
        assertTrue(warning.contains("TLS failed") && warning.contains("set tls-ca"), warning);
        assertTrue(health(relay).contains("\"clients\":0"), health(relay));
      }
    }
  }

  @Test
  void theCertificateMustNameTheHostTheClientAsked() throws Exception {
    // 127.0.0.2 is loopback too, but not in the certificate (localhost, 127.0.0.1).
    try (RelayProcess relay = relay("--host", "127.0.0.2");
        ChildJvm child = child("https://127.0.0.2:" + relay.port(), true)) {
      String warning = child.await(l -> l.contains("cannot reach the racket relay at https://127.0.0.2:"),
          60, "a warning naming the url");
      assertTrue(warning.contains("127.0.0.2") && warning.contains("TLS failed"), warning);
    }
  }

  private static RelayProcess relay(String... more) throws Exception {
    List<String> args = new ArrayList<>(certificate.relayOptions());
    args.addAll(List.of(more));
    return RelayProcess.start(List.of(), args.toArray(String[]::new));
  }

  private static ChildJvm child(String url, boolean trusting) throws Exception {
    List<String> jvmArgs = new ArrayList<>(List.of("-Dracket.name=child", "-Dracket.mode=client", "-Xmx64m"));
    if (trusting) jvmArgs.add("-Dracket.tls-ca=" + certificate.cert());
    return ChildJvm.start("child", System.getProperty("java.class.path"), jvmArgs,
        EmitterChild.class.getName(), url, "child", "tls.>");
  }

  // Over HTTPS too, trusting the certificate.
  private static String health(RelayProcess relay) throws Exception {
    KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
    trusted.load(null, null);
    try (var in = java.nio.file.Files.newInputStream(certificate.cert())) {
      trusted.setCertificateEntry("relay", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(trusted);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, trust.getTrustManagers(), null);
    HttpClient http = HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(5)).build();
    return http.send(HttpRequest.newBuilder(URI.create("https://localhost:" + relay.port() + "/health"))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
  }
}
