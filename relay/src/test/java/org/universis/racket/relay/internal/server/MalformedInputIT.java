package org.universis.racket.relay.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.universis.racket.relay.internal.server.TestClients.Answer;
import org.universis.racket.relay.internal.server.TestClients.LineStream;

/**
 * JSON past the parse limits, cut short, of the wrong types or not UTF-8, on every way into a relay
 * process: each gets its answer in time, and the relay closes what it answered, leaves no socket
 * half-closed, and goes on answering others.
 */
class MalformedInputIT {

  /** How long an answer to bad input may take on a loaded machine; a hang takes forever. */
  private static final int ANSWER_MILLIS = 5_000;

  private static RelayProcess relay;

  @BeforeAll
  static void start() throws Exception {
    relay = RelayProcess.start(List.of("-Xmx128m"), "--max-connections", "10");
  }

  @AfterAll
  static void stop() throws Exception {
    if (relay != null) relay.close();
  }

  @AfterEach
  void noSocketIsLeftHalfClosedAndTheRelayStillAnswers() throws Exception {
    Await.until(() -> closeWaits(relay.port) == 0, 5, "no socket of the relay's port in CLOSE_WAIT");
    long start = System.nanoTime();
    assertEquals(200, TestClients.get(relay.url() + "/health").statusCode());
    assertTrue(System.nanoTime() - start < 1_000_000_000L, "health answered within 1 s");
  }

  @Test
  void aPostPastAParseLimitGets400NamingTheLimit() throws Exception {
    assertPost(400, "nested deeper than 1000 levels", "[".repeat(1001) + "]".repeat(1001));
    // 200 KB: read off the IO thread, where an error once reached nobody.
    assertPost(400, "nested deeper than 1000 levels", "[".repeat(100_000) + "]".repeat(100_000));
    assertPost(400, "number longer than 1000 characters", "{\"n\":" + "7".repeat(5_000) + "}");
    assertPost(400, "number longer than 1000 characters", "[" + "1,".repeat(9_000) + "7".repeat(60_000) + "]");
    assertPost(400, "malformed JSON", "{\"type\":\"a.b\",\"n\":[1,2");
    assertPost(400, "malformed JSON", "{\"type\":\"a.b\",\"s\":\"\u00e9\"}".replace("\u00e9", "\\u00e"));
  }

  @Test
  void aStreamLinePastAParseLimitGets400AndTheStreamEnds() throws Exception {
    for (String line : List.of("[".repeat(1001) + "]".repeat(1001), "{\"n\":" + "7".repeat(5_000) + "}",
        "{\"a\":" + "[".repeat(60_000))) {
      try (LineStream stream = new LineStream(relay.port, "", "")) {
        long start = System.nanoTime();
        stream.chunk("{\"type\":\"ok\"}\n" + line + "\n");
        Answer answer = stream.answer();
        assertAnswerTime(start);
        assertEquals(400, answer.status(), answer.toString());
        String message = answer.body().get("message").asText();
        assertTrue(message.startsWith("line 2: ") && message.contains("than 1000"), message);
        assertEquals(1, answer.body().get("count").asLong(), "the line before stands");
        assertTrue(stream.closedByRelay(), "the rest of the body is not read");
      }
    }
  }

  @Test
  void manyStreamsWithADeepLineLeaveTheRelayAnsweringAndNoSocketBehind() throws Exception {
    // 266 of them once held every connection the relay had (10 here) for good.
    String deep = "[".repeat(1001) + "]".repeat(1001) + "\n";
    for (int i = 0; i < 300; i++) {
      try (LineStream stream = new LineStream(relay.port, "", "")) {
        stream.chunk(deep);
        assertEquals(400, stream.answer().status());
      }
    }
  }

  @Test
  void aWebSocketMessagePastALimitOrMalformedGetsAnErrorAndClose1008() throws Exception {
    String emit = "{\"op\":\"emit\",\"seq\":1,\"type\":\"a.b\",\"body\":";
    assertWsRefused(1008, "nested deeper than 1000 levels", emit + "[".repeat(1001) + "]".repeat(1001) + "}");
    assertWsRefused(1008, "number longer than 1000 characters", emit + "7".repeat(5_000) + "}");
    assertWsRefused(1008, "number longer than 1000 characters", "{\"op\":\"emit\",\"seq\":" + "7".repeat(5_000) + "}");
    assertWsRefused(1008, "malformed JSON", emit + "{\"k\":[1,2}");
    assertWsRefused(1008, "\"seq\" must be an integer", "{\"op\":\"emit\",\"seq\":\"1\",\"body\":1}");
    assertWsRefused(1008, "\"origin\" must be an object", "{\"op\":\"hello\",\"origin\":\"me\"}");
  }

  @Test
  void aWebSocketTextFrameThatIsNotUtf8IsClosedWith1007() throws Exception {
    byte[] text = "{\"op\":\"emit\",\"seq\":1,\"type\":\"a.b\",\"body\":\"\u00e9\"}".getBytes(StandardCharsets.UTF_8);
    text[text.length - 3] = (byte) 0xFF; // the second byte of é
    try (RawWebSocket ws = new RawWebSocket(relay.port)) {
      ws.hello();
      long start = System.nanoTime();
      ws.sendText(text);
      RawWebSocket.Frame close = ws.closeFrame();
      assertAnswerTime(start);
      assertEquals(1007, close.code(), close.toString());
      assertTrue(ws.closedByRelay());
    }
  }

  private static void assertPost(int status, String says, String body) throws Exception {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    try (Socket s = new Socket("127.0.0.1", relay.port)) {
      s.setSoTimeout(ANSWER_MILLIS);
      OutputStream out = s.getOutputStream();
      long start = System.nanoTime();
      out.write(("POST /events HTTP/1.1\r\nHost: 127.0.0.1:" + relay.port + "\r\nContent-Type: application/json\r\nContent-Length: "
          + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(bytes);
      out.flush();
      Answer answer = readAnswer(s.getInputStream());
      assertAnswerTime(start);
      assertEquals(status, answer.status(), answer.toString());
      assertEquals("bad_request", answer.body().get("error").asText());
      assertTrue(answer.body().get("message").asText().contains(says), answer.toString());
    }
  }

  private static void assertWsRefused(int code, String says, String message) throws Exception {
    try (RawWebSocket ws = new RawWebSocket(relay.port)) {
      if (!message.contains("\"hello\"")) ws.hello();
      long start = System.nanoTime();
      ws.sendText(message.getBytes(StandardCharsets.UTF_8));
      JsonNode error = TestClients.JSON.readTree(ws.textFrame().payload());
      RawWebSocket.Frame close = ws.closeFrame();
      assertAnswerTime(start);
      assertEquals("error", error.get("op").asText(), error.toString());
      assertTrue(error.get("message").asText().contains(says), error.toString());
      assertEquals(code, close.code(), close.toString());
      assertTrue(ws.closedByRelay());
    }
  }

  private static void assertAnswerTime(long startNanos) {
    long millis = (System.nanoTime() - startNanos) / 1_000_000;
    assertTrue(millis < ANSWER_MILLIS, "answered in " + millis + " ms");
  }

  static Answer readAnswer(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) throw new IOException("closed after " + head);
      head.append((char) b);
    }
    int length = 0;
    for (String h : head.toString().split("\r\n")) {
      if (h.regionMatches(true, 0, "Content-Length:", 0, 15)) length = Integer.parseInt(h.substring(15).trim());
    }
    return new Answer(Integer.parseInt(head.substring(9, 12)), head.toString(),
        TestClients.JSON.readTree(in.readNBytes(length)));
  }

  /** The sockets on {@code port} in CLOSE_WAIT: the peer closed, the relay did not. */
  static long closeWaits(int port) throws IOException {
    long n = 0;
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      Path path = Path.of(table);
      if (!Files.exists(path)) continue;
      List<String> lines = Files.readAllLines(path);
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.trim().split("\\s+");
        String local = f[1];
        int localPort = Integer.parseInt(local.substring(local.indexOf(':') + 1), 16);
        if (localPort == port && f[3].equals("08")) n++;
      }
    }
    return n;
  }
}
