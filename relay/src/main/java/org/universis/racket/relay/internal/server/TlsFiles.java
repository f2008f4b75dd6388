package org.universis.racket.relay.internal.server;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * The relay's TLS identity from two PEM files: {@code tls-cert}, the certificate and its chain,
 * and {@code tls-key}, its PKCS#8 private key (RSA or EC), unencrypted. Every failure names the
 * option and the file.
 */
public final class TlsFiles {

  private static final Pattern PEM = Pattern.compile(
      "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*)-----END \\1-----");

  /**
   * What the files give: the context to serve with, and the DNS names the certificate carries
   * (lower case, wildcards left out), which the relay answers for (docs/SECURITY.md).
   */
  public record Identity(SSLContext context, List<String> names) {}

  private TlsFiles() {}

  /** @throws IllegalArgumentException naming the option to fix */
  public static Identity load(Path certFile, Path keyFile) {
    X509Certificate[] chain = certificates(certFile);
    PrivateKey key = privateKey(keyFile, chain[0].getPublicKey().getAlgorithm());
    requireMatch(key, chain[0], keyFile, certFile);
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      char[] password = new char[0];
      store.setKeyEntry("relay", key, password, chain);
      KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, password);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), null, null);
      return new Identity(context, dnsNames(chain[0]));
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException("tls-cert " + certFile + " and tls-key " + keyFile
          + " cannot make a TLS context: " + e.getMessage(), e);
    }
  }

  private static List<String> dnsNames(X509Certificate cert) throws CertificateParsingException {
    List<String> names = new ArrayList<>();
    Collection<List<?>> alternatives = cert.getSubjectAlternativeNames();
    if (alternatives == null) return names;
    for (List<?> name : alternatives) {
      if (name.get(0).equals(2) && name.get(1) instanceof String dns && !dns.startsWith("*")) { // dNSName
        names.add(dns.toLowerCase(Locale.ROOT));
      }
    }
    return names;
  }

  private static X509Certificate[] certificates(Path file) {
    try {
      byte[] pem = read("tls-cert", file);
      Certificate[] certs = CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(pem)).toArray(new Certificate[0]);
      if (certs.length == 0) throw new IllegalArgumentException("tls-cert " + file + " holds no certificate");
      X509Certificate[] chain = new X509Certificate[certs.length];
      for (int i = 0; i < certs.length; i++) chain[i] = (X509Certificate) certs[i];
      return chain;
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("tls-cert " + file + " is not a PEM certificate: " + e.getMessage(), e);
    }
  }

  private static PrivateKey privateKey(Path file, String algorithm) {
    if (!algorithm.equals("RSA") && !algorithm.equals("EC")) {
      throw new IllegalArgumentException("tls-cert holds a " + algorithm + " certificate; the relay"
          + " takes RSA or EC");
    }
    Matcher m = PEM.matcher(new String(read("tls-key", file), StandardCharsets.US_ASCII));
    if (!m.find()) throw new IllegalArgumentException("tls-key " + file + " is not a PEM file");
    if (!m.group(1).equals("PRIVATE KEY")) {
      throw new IllegalArgumentException("tls-key " + file + " holds '" + m.group(1) + "'; it must"
          + " be an unencrypted PKCS#8 'PRIVATE KEY' (openssl pkcs8 -topk8 -nocrypt converts one)");
    }
    try {
      byte[] der = Base64.getMimeDecoder().decode(m.group(2));
      return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException("tls-key " + file + " is not a PKCS#8 " + algorithm
          + " private key (the certificate's key is " + algorithm + "): " + e.getMessage(), e);
    }
  }

  // A key that is not the certificate's would fail every handshake, with no clue why.
  private static void requireMatch(PrivateKey key, X509Certificate cert, Path keyFile, Path certFile) {
    try {
      String algorithm = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
      byte[] probe = "racket".getBytes(StandardCharsets.US_ASCII);
      Signature sign = Signature.getInstance(algorithm);
      sign.initSign(key);
      sign.update(probe);
      Signature verify = Signature.getInstance(algorithm);
      verify.initVerify(cert.getPublicKey());
      verify.update(probe);
      if (verify.verify(sign.sign())) return;
    } catch (GeneralSecurityException e) {
      // not a pair either
    }
    throw new IllegalArgumentException("tls-key " + keyFile + " is not the private key of the"
        + " certificate in tls-cert " + certFile);
  }

  private static byte[] read(String option, Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new IllegalArgumentException(option + " " + file + " cannot be read: " + e, e);
    }
  }
}
