package org.universis.racket.relay.internal.codec;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The WebSocket handshake's proofs (PROTOCOL.md, Proving who is who): the relay and the client
 * each show that they know the token, over nonces from both, and the token never travels. One
 * class owns both sides' formats.
 *
 * <pre>
 * key          = HMAC-SHA256(key = token as UTF-8, "racket websocket key")
 * relay proof  = base64url(HMAC-SHA256(key, "racket relay|" + port + "|" + clientNonce + "|" + relayNonce))
 * client proof = base64url(HMAC-SHA256(key, "racket client|" + port + "|" + relayNonce + "|" + clientNonce))
 * </pre>
 *
 * where {@code port} is the TCP port the client dialled, which its {@code Host} header names: the
 * proofs are bound to the relay the client meant, also behind a port mapping or a proxy.
 */
public final class RelayProof {

  /** The client's nonce, in its upgrade request. */
  public static final String CHALLENGE_HEADER = "Racket-Challenge";
  /** The relay's nonce, in its 101 answer. */
  public static final String NONCE_HEADER = "Racket-Nonce";
  /** The relay's proof, in its 101 answer. */
  public static final String PROOF_HEADER = "Racket-Proof";

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

  private final SecretKeySpec key;

  private RelayProof(byte[] key) {
    this.key = new SecretKeySpec(key, "HmacSHA256");
  }

  /** The proofs of {@code token}. */
  public static RelayProof of(String token) {
    return new RelayProof(hmac(new SecretKeySpec(token.getBytes(StandardCharsets.UTF_8), "HmacSHA256"),
        "racket websocket key"));
  }

  /** A fresh nonce: 32 random bytes, base64url without padding (43 characters). */
  public static String nonce() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return BASE64URL.encodeToString(bytes);
  }

  /** Whether {@code s} may be a nonce: 16 to 128 characters of the base64url alphabet. */
  public static boolean isNonce(String s) {
    if (s == null || s.length() < 16 || s.length() > 128) return false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
        return false;
      }
    }
    return true;
  }

  /** What the relay on {@code port} answers to {@code clientNonce}, with its own nonce. */
  public String relay(int port, String clientNonce, String relayNonce) {
    return BASE64URL.encodeToString(hmac(key, "racket relay|" + port + "|" + clientNonce + "|" + relayNonce));
  }

  /** What the client then proves. */
  public String client(int port, String relayNonce, String clientNonce) {
    return BASE64URL.encodeToString(hmac(key, "racket client|" + port + "|" + relayNonce + "|" + clientNonce));
  }

  /** Compares a proof received with the one expected, in constant time. */
  public static boolean matches(String expected, String received) {
    return received != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
        received.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] hmac(SecretKeySpec key, String message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every Java runtime has HmacSHA256", e);
    }
  }

  @Override
  public String toString() {
    return "RelayProof[key hidden]";
  }
}
