package org.universis.racket.relay.internal.client;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.universis.racket.relay.internal.codec.RelayProof;
import org.universis.racket.relay.internal.codec.WebSocketAccept;

/**
 * The client's WebSocket upgrade (RFC 6455, 4.1) and, when it holds a key, the challenge that
 * proves the relay knows the token (PROTOCOL.md, Proving who is who).
 */
final class WsUpgrade {

  private static final int MAX_HEADER_BYTES = 16 << 10;

  private WsUpgrade() {}

  // Returns the client's proof for the hello, or null when the server proved nothing (no key
  // given, or a relay without a token).
  static String upgrade(URI uri, int port, RelayProof proof, OutputStream out, InputStream in)
      throws IOException {
    String challenge = proof == null ? null : RelayProof.nonce();
    byte[] nonce = new byte[16];
    ThreadLocalRandom.current().nextBytes(nonce);
    String key = Base64.getEncoder().encodeToString(nonce);
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    String host = uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
    String request = "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: websocket\r\n"
        + "Connection: Upgrade\r\nSec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n"
        + (challenge == null ? "" : RelayProof.CHALLENGE_HEADER + ": " + challenge + "\r\n") + "\r\n";
    out.write(request.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();

    String[] lines = readHead(in).split("\r\n");
    String[] status = lines[0].split(" ", 3);
    if (status.length < 2 || !status[0].startsWith("HTTP/")) {
      throw new IOException("not an HTTP answer from " + uri + ": is a racket relay listening there?");
    }
    int code;
    try {
      code = Integer.parseInt(status[1]);
    } catch (NumberFormatException e) {
      throw new IOException("not an HTTP answer from " + uri + ": is a racket relay listening there?");
    }
    if (code != 101) throw new RelaySocket.HandshakeException(code, "HTTP " + code);
    if (!WebSocketAccept.of(key).equals(header(lines, "sec-websocket-accept"))) {
      throw new IOException("the server at " + uri + " upgraded without a valid Sec-WebSocket-Accept");
    }
    String relayProof = header(lines, RelayProof.PROOF_HEADER.toLowerCase(Locale.ROOT));
    if (challenge == null || relayProof == null) return null;
    String relayNonce = header(lines, RelayProof.NONCE_HEADER.toLowerCase(Locale.ROOT));
    if (!RelayProof.isNonce(relayNonce)
        || !RelayProof.matches(proof.relay(port, challenge, relayNonce), relayProof)) {
      throw new RelaySocket.WrongProofException("its answer to the challenge is wrong: it does not"
          + " know this client's token. It may be an impostor holding the port, or a relay with another token"
          + " (set the token option)");
    }
    return proof.client(port, relayNonce, challenge);
  }

  // The value of the header `name` (lower case), or null.
  private static String header(String[] lines, String name) {
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0 && lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(name)) {
        return lines[i].substring(colon + 1).trim();
      }
    }
    return null;
  }

  // The status line and headers, up to the blank line; bounded, so a stranger cannot feed us forever.
  static String readHead(InputStream in) throws IOException {
    byte[] head = new byte[MAX_HEADER_BYTES];
    int n = 0;
    while (n < 4 || head[n - 4] != '\r' || head[n - 3] != '\n' || head[n - 2] != '\r' || head[n - 1] != '\n') {
      if (n == head.length) throw new IOException("the relay's HTTP answer is over " + MAX_HEADER_BYTES + " bytes");
      int b = in.read();
      if (b < 0) {
        throw new EOFException("the connection closed during the WebSocket upgrade (a relay that"
            + " serves HTTPS closes plain connections: its url is https://)");
      }
      head[n++] = (byte) b;
    }
    return new String(head, 0, n - 4, StandardCharsets.ISO_8859_1);
  }
}
