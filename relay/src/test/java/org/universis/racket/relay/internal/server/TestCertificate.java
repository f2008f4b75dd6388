package org.universis.racket.relay.internal.server;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate made at run time by the JDK's keytool, for {@code localhost} and
 * {@code 127.0.0.1} (and more names if asked), written as the relay takes it: {@code cert} a PEM certificate, {@code key}
 * its PKCS#8 PEM private key.
 */
public record TestCertificate(Path cert, Path key) {

  private static final char[] PASSWORD = "changeit".toCharArray();

  /**
   * @param algorithm {@code RSA} or {@code EC}
   * @param moreNames DNS names the certificate carries besides {@code localhost}
   */
  public static TestCertificate generate(Path dir, String name, String algorithm, String... moreNames)
      throws Exception {
    StringBuilder san = new StringBuilder("SAN=dns:localhost,ip:127.0.0.1");
    for (String more : moreNames) san.append(",dns:").append(more);
    Path store = dir.resolve(name + ".p12");
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "relay",
        "-keyalg", algorithm, "-keysize", algorithm.equals("EC") ? "256" : "2048",
        "-dname", "CN=localhost", "-ext", san.toString(), "-validity", "2",
        "-storetype", "PKCS12", "-keystore", store.toString(),
        "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD))
        .redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("keytool failed: " + output);
    }
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      keys.load(in, PASSWORD);
    }
    TestCertificate made = new TestCertificate(dir.resolve(name + "-cert.pem"), dir.resolve(name + "-key.pem"));
    Files.writeString(made.cert, pem("CERTIFICATE", keys.getCertificate("relay").getEncoded()));
    PrivateKey key = (PrivateKey) keys.getKey("relay", PASSWORD);
    Files.writeString(made.key, pem("PRIVATE KEY", key.getEncoded())); // PKCS#8
    return made;
  }

  static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  /** The relay options that serve this certificate. */
  public List<String> relayOptions() {
    return List.of("--tls-cert", cert.toString(), "--tls-key", key.toString());
  }
}
