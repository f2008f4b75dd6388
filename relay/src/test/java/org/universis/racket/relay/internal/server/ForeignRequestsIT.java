package org.universis.racket.relay.internal.server;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a browser would send, on raw sockets to a relay process, endpoint by endpoint: a foreign
 * {@code Host} (DNS rebinding) or {@code Origin} is refused and the connection closed, SSE replay
 * and the WebSocket upgrade included; the relay's own names and origin, listed ones and requests
 * without an {@code Origin} pass. No answer carries a CORS header. BrowserIsolationIT does the
 * same from a real browser.
 */
class ForeignRequestsIT {

  private static final String LISTED_ORIGIN = "http://localhost:8080";
  private static RelayProcess relay;

  @BeforeAll
  static void start() throws Exception {
    relay = RelayProcess.start(List.of("-Xmx128m"), "--allow-origin", LISTED_ORIGIN,
        "--allow-host", "relay.test");
  }

  @AfterAll
  static void stop() throws Exception {
    if (relay != null) relay.close();
  }

  @Test
  void aForeignHostIsRefusedOnEveryEndpointAndClosed() throws Exception {
    for (String request : requests()) {
      String answer = raw(request.replace("HOST", "evil.example:" + relay.port()));
      assertRefused(421, "misdirected_request", request, answer);
    }
    // The port is part of the name: the same loopback name on another port is another server.
    assertRefused(421, "misdirected_request", "",
        raw(requests().get(0).replace("HOST", "localhost:" + (relay.port() == 1 ? 2 : 1))));
  }

  @Test
  void aForeignOriginIsRefusedOnEveryEndpointAndClosed() throws Exception {
    for (String origin : List.of("http://evil.example", "null", "http://127.0.0.1:" + (relay.port() + 1))) {
      for (String request : requests()) {
        String answer = raw(request.replace("HOST", "127.0.0.1:" + relay.port())
            .replace("\r\n\r\n", "\r\nOrigin: " + origin + "\r\n\r\n"));
        assertRefused(403, "forbidden", request, answer);
      }
    }
    String noOrigin = "GET /health HTTP/1.1\r\nHost: 127.0.0.1:" + relay.port() + "\r\nConnection: close\r\n";
    assertRefused(403, "forbidden", "Sec-Fetch-Site: cross-site",
        raw(noOrigin + "Sec-Fetch-Site: cross-site\r\n\r\n"));
  }

  @Test
  void theRelaysOwnClientsNamesAndListedOriginsPass() throws Exception {
    String health = "GET /health HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n%s\r\n";
    int port = relay.port();
    for (String host : List.of("127.0.0.1:" + port, "localhost:" + port, "LocalHost:" + port,
        "[::1]:" + port, "relay.test", "relay.test:8443")) {
      assertOk(raw(String.format(health, host, "")), host);
    }
    assertOk(raw(String.format(health, "localhost:" + port, "Origin: http://localhost:" + port + "\r\n")), "own origin");
    assertOk(raw(String.format(health, "localhost:" + port, "Origin: " + LISTED_ORIGIN + "\r\n")), "listed origin");
    assertOk(raw(String.format(health, "localhost:" + port, "Sec-Fetch-Site: none\r\n")), "typed url");
    assertOk(raw("GET /health HTTP/1.0\r\n\r\n").replace("HTTP/1.0 200 ", "HTTP/1.1 200 "), "no Host (HTTP/1.0)");
    String upgrade = raw(webSocketUpgrade().replace("HOST", "localhost:" + port)
        .replace("\r\n\r\n", "\r\nOrigin: " + LISTED_ORIGIN + "\r\n\r\n"), true);
    assertTrue(upgrade.startsWith("HTTP/1.1 101"), upgrade);
  }

  // One request per endpoint and method, HOST to be filled in; each asks to close after its answer.
  private static List<String> requests() {
    String json = "{\"type\":\"rebound\"}";
    return List.of(
        "GET /health HTTP/1.1\r\nHost: HOST\r\nConnection: close\r\n\r\n",
        "GET /clients HTTP/1.1\r\nHost: HOST\r\nConnection: close\r\n\r\n",
        "GET /metrics HTTP/1.1\r\nHost: HOST\r\nConnection: close\r\n\r\n",
        "GET /events?lastEventId=0 HTTP/1.1\r\nHost: HOST\r\n\r\n",
        "GET /events HTTP/1.1\r\nHost: HOST\r\nLast-Event-ID: 0\r\n\r\n",
        "POST /events HTTP/1.1\r\nHost: HOST\r\nContent-Type: application/json\r\nContent-Length: "
            + json.length() + "\r\n\r\n" + json,
        "OPTIONS /events HTTP/1.1\r\nHost: HOST\r\nAccess-Control-Request-Method: POST\r\n\r\n",
        "GET /nothing HTTP/1.1\r\nHost: HOST\r\n\r\n",
        webSocketUpgrade());
  }

  private static String webSocketUpgrade() {
    return "GET /ws HTTP/1.1\r\nHost: HOST\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
  }

  private static void assertRefused(int status, String error, String request, String answer) {
    String what = request.lines().findFirst().orElse("") + " -> " + answer;
    assertTrue(answer.startsWith("HTTP/1.1 " + status + " "), what);
    assertTrue(answer.contains("\"error\":\"" + error + "\""), what);
    assertFalse(answer.toLowerCase(Locale.ROOT).contains("access-control-allow"), what);
  }

  private static void assertOk(String answer, String what) {
    assertTrue(answer.startsWith("HTTP/1.1 200 "), what + ": " + answer);
    assertFalse(answer.toLowerCase(Locale.ROOT).contains("access-control-allow"), what + ": " + answer);
  }

  /** Sends the request and reads the answer up to the relay's close, which must come. */
  private static String raw(String request) throws IOException {
    return raw(request, false);
  }

  /** @param headOnly read the status line and headers only: an upgrade that passes stays open */
  private static String raw(String request, boolean headOnly) throws IOException {
    try (Socket s = new Socket("127.0.0.1", relay.port())) {
      s.setSoTimeout(10_000); // a refusal that does not close fails the test with a timeout
      s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      InputStream in = s.getInputStream();
      if (!headOnly) return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
      StringBuilder head = new StringBuilder();
      for (int b; !head.toString().endsWith("\r\n\r\n") && (b = in.read()) >= 0; ) head.append((char) b);
      return head.toString();
    }
  }
}
