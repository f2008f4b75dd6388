package org.universis.racket.relay.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The relay process serving HTTPS from PEM files (docs/SECURITY.md, "Other hosts"), with curl. */
class TlsRelayIT {

  @TempDir static Path dir;
  private static TestCertificate rsa;
  private static TestCertificate ec;

  @BeforeAll
  static void certificates() throws Exception {
    rsa = TestCertificate.generate(dir, "rsa", "RSA");
    ec = TestCertificate.generate(dir, "ec", "EC", "relay.test");
  }

  @Test
  void curlTrustingTheCertificateReachesTheRelayOverHttps() throws Exception {
    for (TestCertificate c : List.of(rsa, ec)) {
      try (RelayProcess relay = RelayProcess.start(List.of(), c.relayOptions().toArray(String[]::new))) {
        String https = "https://localhost:" + relay.port();
        Result health = curl("--cacert", c.cert().toString(), https + "/health");
        assertEquals(0, health.exit, health.output);
        assertTrue(health.output.contains("\"status\":\"ok\""), health.output);
        Result post = curl("--cacert", c.cert().toString(), "-X", "POST", https + "/events",
            "-H", "Content-Type: application/json", "-d", "{\"type\":\"tls.check\"}");
        assertTrue(post.output.startsWith("{\"ids\":["), post.output);
        assertTrue(streamHas("event: tls.check", "--cacert", c.cert().toString(),
            https + "/events?lastEventId=0"), "SSE replay over TLS");
        // The same over plain HTTP, or with a certificate curl was not told to trust, gets nothing.
        Result untrusted = curl(https + "/health");
        assertEquals(60, untrusted.exit, "curl: certificate not trusted; " + untrusted.output);
        Result plain = curl("http://localhost:" + relay.port() + "/health");
        assertFalse(plain.output.contains("\"status\":\"ok\""), plain.output);
      }
    }
  }

  @Test
  void theRelayAnswersForTheNamesOfItsCertificateAndNoOthers() throws Exception {
    try (RelayProcess relay = RelayProcess.start(List.of(), ec.relayOptions().toArray(String[]::new))) {
      String ca = ec.cert().toString();
      Result named = curl("--cacert", ca, "--resolve", "relay.test:" + relay.port() + ":127.0.0.1",
          "https://relay.test:" + relay.port() + "/health");
      assertTrue(named.output.contains("\"status\":\"ok\""), named.output);
      Result rebound = curl("--cacert", ca, "-H", "Host: evil.example:" + relay.port(),
          "https://localhost:" + relay.port() + "/health");
      assertTrue(rebound.output.contains("\"error\":\"misdirected_request\""), rebound.output);
      Result page = curl("--cacert", ca, "-H", "Origin: https://evil.example",
          "https://localhost:" + relay.port() + "/health");
      assertTrue(page.output.contains("\"error\":\"forbidden\""), page.output);
      Result own = curl("--cacert", ca, "-H", "Origin: https://localhost:" + relay.port(),
          "https://localhost:" + relay.port() + "/health");
      assertTrue(own.output.contains("\"status\":\"ok\""), "the relay's own https origin: " + own.output);
    }
  }

  @Test
  void badFilesGiveAStartUpErrorNamingTheOption() throws Exception {
    Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not a certificate\n");
    Path pkcs1 = Files.writeString(dir.resolve("pkcs1.pem"),
        Files.readString(rsa.key()).replace("PRIVATE KEY", "RSA PRIVATE KEY"));
    assertStartUpError("tls-key " + rsa.cert() + " holds 'CERTIFICATE'",
        "--tls-cert", rsa.cert().toString(), "--tls-key", rsa.cert().toString());
    assertStartUpError("holds 'RSA PRIVATE KEY'; it must be an unencrypted PKCS#8 'PRIVATE KEY'",
        "--tls-cert", rsa.cert().toString(), "--tls-key", pkcs1.toString());
    assertStartUpError("tls-key " + ec.key() + " is not a PKCS#8 RSA private key",
        "--tls-cert", rsa.cert().toString(), "--tls-key", ec.key().toString());
    TestCertificate other = TestCertificate.generate(dir, "other", "RSA");
    assertStartUpError("tls-key " + other.key() + " is not the private key of the certificate in tls-cert",
        "--tls-cert", rsa.cert().toString(), "--tls-key", other.key().toString());
    assertStartUpError("tls-cert " + garbage + " is not a PEM certificate",
        "--tls-cert", garbage.toString(), "--tls-key", rsa.key().toString());
    assertStartUpError("tls-cert " + dir.resolve("missing.pem") + " cannot be read",
        "--tls-cert", dir.resolve("missing.pem").toString(), "--tls-key", rsa.key().toString());
    assertStartUpError("tls-cert and tls-key go together: set tls-key as well",
        "--tls-cert", rsa.cert().toString());
  }

  private static void assertStartUpError(String expected, String... args) throws Exception {
    Process p = new ProcessBuilder(RelayProcess.command(List.of(), args)).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the relay did not exit: " + err);
    assertEquals(2, p.exitValue(), out + err);
    assertTrue(err.startsWith("racket relay: ") && err.contains(expected), "want " + expected + "\ngot " + err);
    assertFalse(out.contains("listening"), out);
  }

  private record Result(int exit, String output) {}

  /** Whether a {@code curl -N} stream shows {@code line} within 20 s; stops it as soon as it does. */
  private static boolean streamHas(String line, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("curl", "-sN", "--max-time", "20"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String l; (l = out.readLine()) != null; ) {
        if (l.equals(line)) return true;
      }
      return false;
    } finally {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static Result curl(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("curl", "-s", "--max-time", "20"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "curl did not finish: " + command);
    return new Result(p.exitValue(), output);
  }
}
