package org.universis.racket.relay.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.universis.racket.relay.internal.server.TestClients.Sse;
import org.universis.racket.relay.internal.server.TestClients.SseEvent;

/**
 * A subscriber that stops reading costs the others nothing: they receive everything in order,
 * the relay's heap stays within a small -Xmx while far more than that flows through, and the
 * overflow policy applies and is counted.
 */
class SlowSubscriberIT {

  private static final int PER_BATCH = 50;
  private static final String PADDING = "x".repeat(8000);

  @Test
  void slowSubscriberLosesItsOldestEventsAndIsToldWhileOthersGetEverything() throws Exception {
    try (RelayProcess relay = RelayProcess.start(List.of("-Xmx64m"), "--queue-size", "1000",
            "--queue-bytes", "4m", "--history-bytes", "4m");
        Socket slow = stalledSse(relay.port);
        Sse normal = new Sse(relay.url() + "/events?types=slow", null)) {
      WebSocket stalledWs = stalledWebSocket(relay.url());
      String base = relay.url();
      Await.until(() -> TestClients.metric(base, "racket_subscribers") == 3, 10, "subscribers");
      List<Long> ids = publish(base, normal, 160);

      assertTrue(TestClients.metric(base, "racket_events_dropped_total") > 0, "drops are counted");
      for (JsonNode c : TestClients.JSON.readTree(TestClients.get(base + "/clients").body()).get("clients")) {
        assertTrue(c.get("queued").asInt() <= 1000, "every queue within its bound: " + c);
      }
      assertEquals(0, TestClients.metric(base, "racket_subscribers_disconnected_total"));
      assertEquals("ok", TestClients.JSON.readTree(TestClients.get(base + "/health").body())
          .get("status").asText());
      // The slow one reads again: what it gets plus what it was told it lost is everything.
      slow.setSoTimeout(10_000);
      Read read = readUntil(slow, ids.size());
      assertTrue(read.notices() > 0, "the slow subscriber was told about its drops");
      assertEquals(ids.size(), read.events() + read.dropped());
      List<Long> seen = read.streamIds();
      for (int i = 1; i < seen.size(); i++) assertTrue(seen.get(i) > seen.get(i - 1), "ids increase");
      stalledWs.abort();
    }
  }

  @Test
  void slowSubscriberIsDisconnectedUnderTheDisconnectPolicy() throws Exception {
    try (RelayProcess relay = RelayProcess.start(List.of("-Xmx64m"), "--queue-size", "1000",
            "--queue-bytes", "4m", "--history-bytes", "4m", "--overflow", "disconnect");
        Socket slow = stalledSse(relay.port);
        Sse normal = new Sse(relay.url() + "/events?types=slow", null)) {
      String base = relay.url();
      WebSocket stalledWs = stalledWebSocket(base);
      Await.until(() -> TestClients.metric(base, "racket_subscribers") == 3, 10, "subscribers");
      publish(base, normal, 40);
      assertEquals(2, TestClients.metric(base, "racket_subscribers_disconnected_total"),
          "the stalled SSE and WebSocket subscribers");
      assertEquals(0, TestClients.metric(base, "racket_events_dropped_total"));
      Await.until(() -> TestClients.metric(base, "racket_subscribers") == 1, 10,
          "the slow subscribers to be gone");
      stalledWs.abort();
    }
  }

  // Publishes batches × PER_BATCH events of 8 kB (160 batches: 64 MB, the relay's whole heap)
  // and checks that the normal subscriber gets every one, in order.
  private static List<Long> publish(String base, Sse normal, int batches) throws Exception {
    List<Long> ids = new ArrayList<>();
    int received = 0;
    for (int b = 0; b < batches; b++) {
      StringBuilder batch = new StringBuilder("[");
      for (int i = 0; i < PER_BATCH; i++) {
        batch.append(i == 0 ? "" : ",").append("{\"type\":\"slow\",\"pad\":\"").append(PADDING).append("\"}");
      }
      ids.addAll(TestClients.emit(base, batch.append(']').toString()));
      if (b % 10 == 9) {
        // Keep the reader within its queue bound: the point is the stalled one, not this one.
        List<SseEvent> got = normal.take(ids.size() - received, 20);
        for (SseEvent e : got) assertEquals(ids.get(received++), Long.parseLong(e.id()));
      }
    }
    return ids;
  }

  /** An SSE subscriber on a raw socket with a tiny receive buffer that reads nothing. */
  private static Socket stalledSse(int port) throws IOException {
    Socket s = new Socket();
    s.setReceiveBufferSize(4096);
    s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    OutputStream out = s.getOutputStream();
    // HTTP/1.0: the stream is not chunked, so it reads as plain SSE.
    out.write(("GET /events?types=slow HTTP/1.0\r\nHost: 127.0.0.1:" + port + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return s;
  }

  /** A WebSocket subscriber that never asks for a second message. */
  private static WebSocket stalledWebSocket(String base) throws Exception {
    WebSocket ws = TestClients.HTTP.newWebSocketBuilder()
        .buildAsync(URI.create(base.replace("http:", "ws:") + "/ws"), new WebSocket.Listener() {
          @Override
          public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
          }

          @Override
          public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            return null;
          }
        }).get(10, TimeUnit.SECONDS);
    ws.sendText("{\"op\":\"hello\",\"origin\":{\"id\":\"stalled\"},\"types\":\"slow\"}", true)
        .get(10, TimeUnit.SECONDS);
    return ws;
  }

  /** What a stream carried: every id in order (notices included), the events, the drops. */
  private record Read(List<Long> streamIds, int events, long dropped, int notices) {}

  // Reads SSE records until events plus reported drops reach total.
  private static Read readUntil(Socket socket, int total) throws IOException {
    BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    List<Long> ids = new ArrayList<>();
    int events = 0;
    long dropped = 0;
    int notices = 0;
    String event = null;
    String id = null;
    String line;
    try {
      while (events + dropped < total && (line = in.readLine()) != null) {
        if (line.startsWith("id: ")) {
          id = line.substring(4);
        } else if (line.startsWith("event: ")) {
          event = line.substring(7);
        } else if (line.startsWith("data: ") && "racket.resync".equals(event)) {
          JsonNode body = TestClients.JSON.readTree(line.substring(6)).get("body");
          assertEquals("overflow", body.get("reason").asText());
          dropped += body.get("dropped").asLong();
          notices++;
        } else if (line.isEmpty() && event != null) {
          ids.add(Long.parseLong(id));
          if (event.equals("slow")) events++;
          event = null;
        }
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("stream stalled at " + events + " events and " + dropped + " dropped");
    }
    return new Read(ids, events, dropped, notices);
  }
}
