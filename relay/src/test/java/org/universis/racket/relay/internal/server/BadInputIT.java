package org.universis.racket.relay.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.universis.racket.relay.internal.server.TestClients.Answer;
import org.universis.racket.relay.internal.server.TestClients.LineStream;
import org.universis.racket.relay.internal.server.TestClients.Sse;
import org.universis.racket.relay.internal.server.TestClients.SseEvent;

/** Every kind of bad input gets its status and a JSON message, and costs nobody else anything. */
class BadInputIT {

  private static final String TOKEN = "s3cret";
  private static RelayProcess relay;
  private static String base;

  @BeforeAll
  static void start() throws Exception {
    relay = RelayProcess.start(List.of("-Xmx96m"), "--token", TOKEN, "--max-event-size", "64k",
        "--max-connections", "3");
    base = relay.url();
  }

  @AfterAll
  static void stop() throws Exception {
    if (relay != null) relay.close();
  }

  @Test
  void everyBadRequestGetsItsStatusAndAJsonMessage() throws Exception {
    assertError(send("POST", "/events", "application/json", "{\"type\":", true), 400, "bad_request", "malformed JSON");
    assertError(send("POST", "/events", "application/json", "[]", true), 400, "bad_request", "empty array");
    assertError(send("POST", "/events", "application/json", "{} {}", true), 400, "bad_request", "after the end");
    assertError(send("POST", "/events", "application/json", "{\"type\":\"no spaces\"}", true), 400,
        "bad_request", "dot-separated");
    assertError(send("POST", "/events?type=a..b", "application/json", "{}", true), 400, "bad_request", "type");
    assertError(send("GET", "/events?types=a.>.b", null, null, true), 400, "bad_request", "filter pattern");
    assertError(send("GET", "/events?lastEventId=yesterday", null, null, true), 400, "bad_request", "Last-Event-ID");
    assertError(send("GET", "/ws", null, null, true), 400, "bad_request", "WebSocket");
    assertError(send("POST", "/events", "text/plain", "{}", true), 415, "unsupported_media_type", "application/x-ndjson");
    assertError(send("POST", "/events", null, "{}", true), 415, "unsupported_media_type", "Content-Type");
    String big = "{\"pad\":\"" + "x".repeat(70 * 1024) + "\"}";
    assertError(send("POST", "/events", "application/json", big, true), 413, "payload_too_large", "65536");
    assertError(send("POST", "/events", "application/json", "{}", false), 401, "unauthorized", "token");
    HttpResponse<String> wrong = TestClients.HTTP.send(HttpRequest.newBuilder(URI.create(base + "/metrics"))
        .header("Authorization", "Bearer guess").build(), HttpResponse.BodyHandlers.ofString());
    assertError(wrong, 401, "unauthorized", "wrong token");
    assertError(send("GET", "/nowhere", null, null, true), 404, "not_found", "/nowhere");
    HttpResponse<String> put = send("PUT", "/events", "application/json", "{}", true);
    assertError(put, 405, "method_not_allowed", "PUT");
    assertEquals("GET, POST", put.headers().firstValue("Allow").orElse(""));
    assertError(send("POST", "/health", "application/json", "{}", false), 405, "method_not_allowed", "GET");
    assertEquals(200, send("GET", "/health", null, null, false).statusCode(), "health needs no token");
    assertEquals(202, send("POST", "/events", "application/vnd.racket+json; charset=utf-8", "{}", true).statusCode());
  }

  @Test
  void aBodyLargerThanTheLimitIsRefusedBeforeItIsRead() throws Exception {
    // Announces 100 MB, sends a little: the answer must come without the rest.
    try (Socket s = new Socket("127.0.0.1", relay.port)) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(("POST /events HTTP/1.1\r\nHost: 127.0.0.1:" + relay.port + "\r\nAuthorization: Bearer " + TOKEN
          + "\r\nContent-Type: application/json\r\nContent-Length: 104857600\r\n\r\n{\"a\":")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String head = new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
      assertEquals("HTTP/1.1 413", head);
    }
    // Chunked, no length: cut off after the limit.
    try (Socket s = new Socket("127.0.0.1", relay.port)) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(("POST /events HTTP/1.1\r\nHost: 127.0.0.1:" + relay.port + "\r\nAuthorization: Bearer " + TOKEN
          + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      byte[] chunk = ("4000\r\n" + "x".repeat(0x4000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
      InputStream in = s.getInputStream();
      for (int i = 0; i < 8; i++) out.write(chunk);
      out.flush();
      assertEquals("HTTP/1.1 413", new String(in.readNBytes(12), StandardCharsets.US_ASCII));
    }
  }

  @Test
  void aBadLineEndsAStreamWithItsNumberAndTheLinesBeforeItStand() throws Exception {
    String auth = "Authorization: Bearer " + TOKEN + "\r\n";
    try (Sse sse = new Sse(base + "/events?types=stream.>&token=" + TOKEN, null);
        LineStream stream = new LineStream(relay.port, "", auth)) {
      stream.chunk("{\"type\":\"stream.ok\",\"n\":1}\n{\"type\":\"stream.ok\",\"n\":2}\n{\"type\":");
      stream.chunk("\"stream.ok\",\"n\":3\n{\"type\":\"stream.ok\",\"n\":4}\n");
      Answer answer = stream.answer();
      assertEquals(400, answer.status());
      assertEquals("bad_request", answer.body().get("error").asText());
      assertTrue(answer.body().get("message").asText().startsWith("line 3: malformed JSON"), answer.toString());
      assertEquals(2, answer.body().get("count").asLong());
      assertTrue(stream.closedByRelay(), "the rest of the body is not read");
      // Line 4 came in the same chunk as the bad line 3: it must not have been published.
      assertEquals(202, send("POST", "/events", "application/json", "{\"type\":\"stream.ok\",\"n\":5}", true).statusCode());
      assertEquals(List.of(1, 2, 5), sse.take(3, 10).stream().map(e -> e.data().at("/body/n").asInt()).toList());
    }
    try (LineStream stream = new LineStream(relay.port, "", auth)) {
      stream.chunk("{\"n\":1}\n{\"pad\":\"" + "x".repeat(40 * 1024));
      stream.chunk("x".repeat(40 * 1024));
      Answer answer = stream.answer();
      assertEquals(413, answer.status());
      assertTrue(answer.body().get("message").asText().startsWith("line 2 is over 65536 bytes"), answer.toString());
      assertEquals(1, answer.body().get("count").asLong());
      assertTrue(stream.closedByRelay(), "the rest of the body is not read");
    }
    try (LineStream stream = new LineStream(relay.port, "", auth)) {
      // Exactly the limit, over several reads, then CRLF: the CR does not count.
      String atLimit = "{\"pad\":\"" + "y".repeat(64 * 1024 - 10) + "\"}";
      assertEquals(64 * 1024, atLimit.length());
      stream.chunk(atLimit.substring(0, 30_000));
      stream.chunk(atLimit.substring(30_000) + "\r\n");
      Answer answer = stream.end();
      assertEquals(202, answer.status(), answer.toString());
      assertEquals(1, answer.body().get("count").asLong());
    }
    try (LineStream stream = new LineStream(relay.port, "?type=a..b", auth)) {
      Answer answer = stream.answer(); // before any of the body
      assertEquals(400, answer.status());
      assertTrue(answer.body().get("message").asText().contains("dot-separated"), answer.toString());
    }
  }

  @Test
  void aBodyWhereNoneIsReadClosesTheConnectionAfterTheAnswer() throws Exception {
    // The relay sets no total for request bodies (streams of lines have none): one that nothing
    // reads must not be drained for as long as its sender goes on.
    try (Socket s = new Socket("127.0.0.1", relay.port)) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(("PUT /events HTTP/1.1\r\nHost: 127.0.0.1:" + relay.port + "\r\nAuthorization: Bearer " + TOKEN
          + "\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n").getBytes(StandardCharsets.US_ASCII));
      String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
      assertTrue(answer.startsWith("HTTP/1.1 405"), answer);
      assertTrue(answer.toLowerCase(java.util.Locale.ROOT).contains("connection: close"), answer);
    }
  }

  @Test
  void aClientThatExpectsContinueIsToldToSend() throws Exception {
    try (LineStream stream = new LineStream(relay.port, "",
        "Authorization: Bearer " + TOKEN + "\r\nExpect: 100-continue\r\n")) {
      assertEquals(100, stream.answer().status());
      stream.chunk("{\"n\":1}\n");
      Answer answer = stream.end();
      assertEquals(202, answer.status());
      assertEquals(1, answer.body().get("count").asLong());
    }
  }

  @Test
  void badWebSocketInputIsAnsweredAndClosed() throws Exception {
    var noToken = TestClients.HTTP.newWebSocketBuilder()
        .buildAsync(URI.create(base.replace("http:", "ws:") + "/ws"), new java.net.http.WebSocket.Listener() {});
    ExecutionException refused = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
        () -> noToken.get(10, TimeUnit.SECONDS));
    assertEquals(401, ((java.net.http.WebSocketHandshakeException) refused.getCause()).getResponse().statusCode());
    try (TestClients.Ws ws = new TestClients.Ws(base, "?token=" + TOKEN)) {
      ws.send("{\"op\":\"emit\",\"seq\":1,\"body\":{}}");
      JsonNode error = ws.next(10);
      assertEquals("error", error.get("op").asText());
      assertTrue(error.get("message").asText().contains("hello"), error.toString());
      assertEquals(1008, ws.closeCode.get(10, TimeUnit.SECONDS));
    }
    try (TestClients.Ws ws = new TestClients.Ws(base, "?token=" + TOKEN)) {
      ws.hello(null, null);
      ws.send("{\"op\":\"emit\",\"seq\":1,\"type\":\"bad type\",\"body\":{}}\n{\"op\":\"emit\",\"seq\":2,\"body\":{}}");
      assertEquals("nack", ws.next(10).get("op").asText());
      assertEquals("ack", ws.next(10).get("op").asText(), "a nack leaves the connection open");
      ws.send("{\"op\":\"emit\",\"seq\":3,\"body\":\"" + "x".repeat(200 * 1024) + "\"}");
      assertEquals(1009, ws.closeCode.get(10, TimeUnit.SECONDS));
    }
  }

  @Test
  void aBurstOfBadRequestsLeavesAGoodSubscriberIntact() throws Exception {
    try (Sse good = new Sse(base + "/events?token=" + TOKEN, null)) {
      assertEquals(200, good.status);
      List<Long> ids = new ArrayList<>();
      String[][] bad = {
        {"POST", "/events", "application/json", "{\"broken"},
        {"POST", "/events", "text/plain", "hello"},
        {"POST", "/events", "application/json", "{\"pad\":\"" + "y".repeat(70 * 1024) + "\"}"},
        {"GET", "/nope", null, null},
        {"DELETE", "/events", null, null},
        {"GET", "/events?types=*.>.*", null, null},
      };
      for (int round = 0; round < 40; round++) {
        for (String[] b : bad) send(b[0], b[1], b[2], b[3], true);
        send("POST", "/events", "application/json", "{}", false);
        ids.addAll(emit("{\"type\":\"good\",\"round\":" + round + "}"));
      }
      List<SseEvent> got = good.take(ids.size(), 20);
      assertEquals(ids, got.stream().map(e -> Long.parseLong(e.id())).toList());
      for (int i = 0; i < got.size(); i++) assertEquals(i, got.get(i).data().get("body").get("round").asInt());
      assertTrue(TestClients.get(base + "/metrics?token=" + TOKEN).body()
          .contains("racket_requests_rejected_total{status=\"401\"}"));
    }
  }

  @Test
  void connectionsPastTheLimitGet503() throws Exception {
    Await.until(() -> TestClients.get(base + "/metrics?token=" + TOKEN).body().contains("\nracket_subscribers 0\n"),
        10, "earlier tests' streams to close");
    try (Sse a = new Sse(base + "/events?token=" + TOKEN, null); Sse b = new Sse(base + "/events?token=" + TOKEN, null);
        Sse c = new Sse(base + "/events?token=" + TOKEN, null)) {
      HttpResponse<String> more = TestClients.HTTP.send(HttpRequest.newBuilder(URI.create(base + "/events?token=" + TOKEN))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      assertError(more, 503, "unavailable", "max-connections");
      assertEquals(List.of(200, 200, 200), List.of(a.status, b.status, c.status));
    }
  }

  private static List<Long> emit(String body) throws Exception {
    HttpResponse<String> r = send("POST", "/events", "application/json", body, true);
    assertEquals(202, r.statusCode(), r.body());
    List<Long> ids = new ArrayList<>();
    for (JsonNode id : TestClients.JSON.readTree(r.body()).get("ids")) ids.add(id.asLong());
    return ids;
  }

  private static HttpResponse<String> send(String method, String path, String contentType, String body,
      boolean withToken) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path.replace(">", "%3E")))
        .timeout(Duration.ofSeconds(10))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) b.header("Content-Type", contentType);
    if (withToken) b.header("Authorization", "Bearer " + TOKEN);
    try {
      return TestClients.HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException e) {
      throw new AssertionError(method + " " + path + " failed: " + e, e);
    }
  }

  private static void assertError(HttpResponse<String> r, int status, String error, String says) throws Exception {
    assertEquals(status, r.statusCode(), r.body());
    assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
    JsonNode body = TestClients.JSON.readTree(r.body());
    assertEquals(error, body.get("error").asText());
    assertTrue(body.get("message").asText().contains(says), "message '" + body.get("message") + "' says " + says);
  }
}
