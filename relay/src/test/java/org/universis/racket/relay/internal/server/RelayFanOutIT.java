package org.universis.racket.relay.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.universis.racket.relay.internal.server.TestClients.Answer;
import org.universis.racket.relay.internal.server.TestClients.LineStream;
import org.universis.racket.relay.internal.server.TestClients.Sse;
import org.universis.racket.relay.internal.server.TestClients.SseEvent;
import org.universis.racket.relay.internal.server.TestClients.Ws;

/** A relay in its own process carries events from POST and WebSocket emits to every surface. */
class RelayFanOutIT {

  private static RelayProcess relay;

  @BeforeAll
  static void start() throws Exception {
    relay = RelayProcess.start(List.of("-Xmx128m"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (relay != null) relay.close();
  }

  @Test
  void relayDeliversPostedEventsToEverySubscriberInTheSameOrder() throws Exception {
    String base = relay.url();
    try (Sse a = new Sse(base + "/events", null); Sse b = new Sse(base + "/events", null);
        Sse c = new Sse(base + "/events?types=>", null);
        Sse cache = new Sse(base + "/events?types=cache.>", null);
        Sse jobs = new Sse(base + "/events?types=job.*.done,audit", null);
        Ws w1 = new Ws(base); Ws w2 = new Ws(base); Ws wCache = new Ws(base)) {
      w1.hello("", null);
      w2.hello(">", null);
      wCache.hello("cache.*", null);
      Await.until(() -> TestClients.metric(base, "racket_subscribers") == 8, 10,
          "6 SSE and 3 WebSocket subscribers");

      String[] types = {"cache.user", "job.7.done", "cache.user.name", "audit", "message", "job.7.start"};
      List<Long> ids = new ArrayList<>();
      List<String> sent = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        String type = types[i % types.length];
        ids.addAll(TestClients.emit(base, "{\"type\":\"" + type + "\",\"n\":" + i + "}"));
        sent.add(type);
      }
      // A batch too, through the same order.
      ids.addAll(TestClients.emit(base, "[{\"type\":\"audit\",\"n\":60},{\"type\":\"cache.x\",\"n\":61}]"));
      sent.add("audit");
      sent.add("cache.x");
      for (int i = 1; i < ids.size(); i++) assertTrue(ids.get(i) > ids.get(i - 1), "ids increase");

      for (Sse all : List.of(a, b, c)) assertSse(all.take(sent.size(), 10), ids, sent, t -> true);
      assertSse(cache.take(count(sent, "cache.user", "cache.user.name", "cache.x"), 10), ids, sent,
          t -> t.startsWith("cache."));
      assertSse(jobs.take(count(sent, "job.7.done", "audit"), 10), ids, sent,
          t -> t.equals("job.7.done") || t.equals("audit"));
      for (Ws all : List.of(w1, w2)) {
        List<JsonNode> got = all.take(sent.size(), 10, Ws::isEvent);
        for (int i = 0; i < got.size(); i++) {
          assertEquals(ids.get(i), got.get(i).get("id").asLong());
          assertEquals(sent.get(i), got.get(i).get("type").asText());
        }
      }
      List<JsonNode> cacheWs = wCache.take(count(sent, "cache.user", "cache.x"), 10, Ws::isEvent);
      for (JsonNode e : cacheWs) assertTrue(e.get("type").asText().matches("cache\\.[a-z]+"), e.toString());
      assertTrue(cache.events.isEmpty() && jobs.events.isEmpty(), "no extra events");
    }
  }

  @Test
  void aLineStreamPublishesEachLineWhenItEndsAndAnswersWithTheCountWhenTheBodyEnds() throws Exception {
    String base = relay.url();
    try (Sse sse = new Sse(base + "/events?types=lines.>", null);
        LineStream stream = new LineStream(relay.port, "", "Racket-Name: piped\r\n")) {
      stream.chunk("{\"type\":\"lines.a\",\"n\":1}\n");
      SseEvent first = sse.take(1, 10).get(0); // while the request is still open
      assertEquals(1, first.data().at("/body/n").asInt());
      assertEquals("piped", first.data().at("/origin/name").asText());

      stream.chunk("{\"type\":\"lines.b\","); // a line across chunks
      stream.chunk("\"n\":2}\r\n\n  \n[{\"type\":\"lines.c\",\"n\":3},{\"type\":\"lines.c\",\"n\":4}]\n"
          + "{\"type\":\"lines.d\",\"n\":5}"); // CRLF, blank lines, a batch, no final newline
      Answer answer = stream.end();
      List<SseEvent> rest = sse.take(4, 10);

      assertEquals(202, answer.status(), answer.toString());
      assertEquals(List.of("lines.b", "lines.c", "lines.c", "lines.d"), rest.stream().map(SseEvent::event).toList());
      assertEquals(List.of(2, 3, 4, 5), rest.stream().map(e -> e.data().at("/body/n").asInt()).toList());
      assertEquals(5, answer.body().get("count").asLong());
      assertEquals(first.id(), answer.body().get("first").asText());
      assertEquals(rest.get(3).id(), answer.body().get("last").asText());
    }
  }

  @Test
  void aStreamWithALengthIsReadAsWellAndAnEmptyOneCountsNothing() throws Exception {
    String base = relay.url();
    try (Sse sse = new Sse(base + "/events?types=sized", null)) {
      var answer = TestClients.post(base + "/events?type=sized", "application/x-ndjson", "{\"n\":1}\r\n\n{\"n\":2}");
      assertEquals(202, answer.statusCode(), answer.body());
      assertEquals(2, TestClients.JSON.readTree(answer.body()).get("count").asLong());
      assertEquals(List.of(1, 2), sse.take(2, 10).stream().map(e -> e.data().at("/body/n").asInt()).toList());
    }
    for (String nothing : List.of("", "\n \r\n\n")) {
      var answer = TestClients.post(base + "/events", "application/x-ndjson", nothing);
      assertEquals(202, answer.statusCode());
      assertEquals("{\"count\":0}", answer.body());
    }
  }

  @Test
  void aLongStreamArrivesWholeAndInOrder() throws Exception {
    String base = relay.url();
    // About 3 MB: read in many turns; and past the 2 MiB that Undertow allows a request body by
    // default.
    int lines = 6_000;
    try (Sse sse = new Sse(base + "/events?types=bulk", null);
        LineStream stream = new LineStream(relay.port, "?type=bulk", "")) {
      StringBuilder chunk = new StringBuilder();
      for (int i = 0; i < lines; i++) {
        chunk.append("{\"n\":").append(i).append(",\"pad\":\"").append("p".repeat(480)).append("\"}\n");
        if (chunk.length() > 60_000 || i == lines - 1) {
          stream.chunk(chunk.toString());
          chunk.setLength(0);
        }
      }
      Answer answer = stream.end();
      assertEquals(202, answer.status(), answer.toString());
      assertEquals(lines, answer.body().get("count").asLong());
      List<SseEvent> got = sse.take(lines, 30);
      for (int i = 0; i < lines; i++) assertEquals(i, got.get(i).data().at("/body/n").asInt());
      assertEquals(answer.body().get("last").asText(), got.get(lines - 1).id());
    }
  }

  @Test
  void aWholeBodySentAtOnceIsAnsweredAsSoonAsItEnds() throws Exception {
    // A body with a length, written whole as curl --data-binary does: a read turn can end on its
    // last bytes, and then no socket event is left to show the end. Its answer must come within
    // the socket's 10 s, not after the read-timeout (30 s); in several sizes, as where a turn
    // ends varies.
    for (int round = 0; round < 8; round++) {
      int lines = 50_000 + round * 997;
      StringBuilder body = new StringBuilder();
      for (int i = 0; i < lines; i++) body.append("{\"type\":\"whole\",\"n\":").append(i).append("}\n");
      byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
      try (Socket socket = new Socket("127.0.0.1", relay.port)) {
        socket.setSoTimeout(10_000);
        byte[] head = ("POST /events HTTP/1.1\r\nHost: 127.0.0.1:" + relay.port + "\r\nContent-Type: application/x-ndjson\r\n"
            + "Content-Length: " + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] request = Arrays.copyOf(head, head.length + bytes.length);
        System.arraycopy(bytes, 0, request, head.length, bytes.length);
        socket.getOutputStream().write(request);
        Answer answer = LineStream.answerOf(socket.getInputStream());
        assertEquals(202, answer.status(), answer.toString());
        assertEquals(lines, answer.body().get("count").asLong());
      }
    }
  }

  @Test
  void aStreamThatNeverPausesLeavesSubscribersOnItsIoThreadTheirTurn() throws Exception {
    String line = "{\"pad\":\"" + "f".repeat(480) + "\"}\n";
    floodWhileSubscribersWait(LineStream.framed(line.repeat(120)));
  }

  @Test
  void soDoesAStreamOfOneChunkPerLine() throws Exception {
    // Undertow reads one chunk at a time and keeps the rest of what it read from the socket,
    // where the selector does not see it.
    String line = "{\"pad\":\"" + "f".repeat(480) + "\"}\n";
    byte[] one = LineStream.framed(line);
    byte[] many = new byte[one.length * 120];
    for (int i = 0; i < 120; i++) System.arraycopy(one, 0, many, i * one.length, one.length);
    floodWhileSubscribersWait(many);
  }

  private static void floodWhileSubscribersWait(byte[] chunks) throws Exception {
    // A subscriber that fell behind is written to again when its socket becomes writable, which
    // an IO thread learns only when it selects. Four of them, so that some share the stream's
    // thread, first let their sockets fill up; then each must get 16 MB, more than socket buffers
    // hold, while the stream goes on as fast as the relay reads it.
    long target = 16 << 20;
    List<Socket> subscribers = new ArrayList<>();
    AtomicInteger done = new AtomicInteger();
    AtomicBoolean stop = new AtomicBoolean();
    try (LineStream stream = new LineStream(relay.port, "?type=flood", "")) {
      for (int i = 0; i < 4; i++) {
        Socket s = new Socket();
        s.setReceiveBufferSize(4096);
        s.connect(new InetSocketAddress("127.0.0.1", relay.port));
        s.getOutputStream().write(("GET /events?types=flood HTTP/1.1\r\nHost: 127.0.0.1:" + relay.port + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        subscribers.add(s);
      }
      Await.until(() -> TestClients.metric(relay.url(), "racket_subscribers") >= 4, 10, "4 subscribers");
      Thread writer = new Thread(() -> {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        try {
          while (!stop.get() && System.nanoTime() < deadline) stream.send(chunks);
        } catch (IOException e) {
          // the assertions below tell
        }
      });
      writer.start();
      Await.until(() -> everyFloodSubscriberHasAQueue(relay.url()), 30, "the subscribers' sockets full");
      AtomicLongArray got = new AtomicLongArray(subscribers.size());
      for (int i = 0; i < subscribers.size(); i++) {
        int index = i;
        Socket s = subscribers.get(i);
        new Thread(() -> {
          byte[] buffer = new byte[64 << 10];
          try (InputStream in = s.getInputStream()) {
            for (int n; got.get(index) < target && (n = in.read(buffer)) > 0; ) got.addAndGet(index, n);
          } catch (IOException e) {
            return;
          }
          if (got.get(index) >= target) done.incrementAndGet();
        }).start();
      }
      Await.until(() -> done.get() == subscribers.size(), 40,
          () -> "every subscriber got 16 MB while the stream ran; bytes: " + got + ", " + clients());
      assertTrue(writer.isAlive(), "the stream was still going");
      stop.set(true);
      writer.join(10_000);
      assertEquals(202, stream.end().status());
    } finally {
      stop.set(true);
      for (Socket s : subscribers) s.close();
    }
  }

  private static String clients() {
    try {
      return TestClients.get(relay.url() + "/clients").body();
    } catch (Exception e) {
      return "GET /clients failed: " + e;
    }
  }

  private static boolean everyFloodSubscriberHasAQueue(String base) throws Exception {
    int waiting = 0;
    for (JsonNode c : TestClients.JSON.readTree(TestClients.get(base + "/clients").body()).get("clients")) {
      if (c.path("types").asText().equals("flood") && c.path("queued").asLong() > 0) waiting++;
    }
    return waiting == 4;
  }

  @Test
  void relayDeliversWebSocketEmitsWithAcksInRelayOrder() throws Exception {
    String base = relay.url();
    try (Sse sse = new Sse(base + "/events?types=ws.>", null); Ws emitter = new Ws(base);
        Ws subscriber = new Ws(base)) {
      emitter.hello(null, null);
      subscriber.hello("ws.>", null);
      Await.until(() -> TestClients.metric(base, "racket_subscribers") >= 3, 10, "subscribers");
      StringBuilder frame = new StringBuilder();
      for (int seq = 1; seq <= 50; seq++) {
        frame.append("{\"op\":\"emit\",\"seq\":").append(seq).append(",\"type\":\"ws.e\",\"body\":{\"n\":")
            .append(seq).append("}}\n");
        if (seq % 10 == 0) {
          emitter.send(frame.toString());
          frame.setLength(0);
        }
      }
      List<JsonNode> acks = emitter.take(50, 10, m -> "ack".equals(m.path("op").asText()));
      assertTrue(emitter.frames <= 6, "acks of one frame's emits share a frame: " + emitter.frames);
      List<JsonNode> events = subscriber.take(50, 10, Ws::isEvent);
      List<SseEvent> sseEvents = sse.take(50, 10);
      for (int i = 0; i < 50; i++) {
        assertEquals(i + 1, acks.get(i).get("seq").asLong());
        long id = acks.get(i).get("id").asLong();
        assertEquals(id, events.get(i).get("id").asLong());
        assertEquals(i + 1, events.get(i).get("seq").asLong());
        assertEquals(i + 1, events.get(i).get("body").get("n").asInt());
        assertEquals(String.valueOf(id), sseEvents.get(i).id());
        assertEquals(events.get(i), sseEvents.get(i).data(), "same envelope on every surface");
      }
      assertTrue(emitter.messages.stream().noneMatch(Ws::isEvent), "an emit-only client gets no events");
      emitter.send("{\"op\":\"ping\"}");
      assertEquals("pong", emitter.next(10).get("op").asText());
    }
  }

  @Test
  void aPostedEventsOriginComesFromItsOwnRequestsHeaders() throws Exception {
    String base = relay.url();
    try (Sse sse = new Sse(base + "/events?types=origin.check", null)) {
      List<List<String>> headers = List.of(List.of("Racket-Origin", "o-1", "Racket-Name", "one"),
          List.of("Racket-Origin", "o-1", "Racket-Name", "two"), List.of("Racket-Origin", "o-2"), List.of(),
          List.of("Racket-Origin", "o-1", "Racket-Name", "one"));
      for (List<String> h : headers) { // one connection, one after the other
        java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/events"))
            .header("Content-Type", "application/json")
            .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"type\":\"origin.check\"}"));
        for (int i = 0; i < h.size(); i += 2) b.header(h.get(i), h.get(i + 1));
        assertEquals(202, TestClients.HTTP.send(b.build(), java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode());
      }
      List<String> origins = sse.take(5, 10).stream().map(e -> e.data().get("origin"))
          .map(o -> o.get("id").asText() + " " + o.get("name").asText() + " " + o.get("host").asText()).toList();
      assertEquals(List.of("o-1 one 127.0.0.1", "o-1 two 127.0.0.1", "o-2 null 127.0.0.1",
          "http-127.0.0.1 null 127.0.0.1", "o-1 one 127.0.0.1"), origins);
    }
  }

  @Test
  void anEmitterThatAsksForRunAcksGetsOneAckPerRunAndARefusedEmitSplitsIt() throws Exception {
    String base = relay.url();
    try (Ws emitter = new Ws(base); Ws subscriber = new Ws(base)) {
      emitter.send("{\"op\":\"hello\",\"origin\":{\"id\":\"runs\",\"pid\":1,\"host\":\"h\",\"name\":\"t\"},"
          + "\"acks\":\"runs\"}");
      assertEquals("welcome", emitter.next(10).path("op").asText());
      subscriber.hello("runs", null);
      Await.until(() -> TestClients.metric(base, "racket_subscribers") >= 2, 10, "subscribers");
      for (int first = 1; first <= 21; first += 10) {
        StringBuilder frame = new StringBuilder();
        for (int seq = first; seq < first + 10; seq++) {
          String type = seq == 15 ? "bad type" : "runs"; // refused: the type is malformed
          frame.append("{\"op\":\"emit\",\"seq\":").append(seq).append(",\"type\":\"").append(type)
              .append("\",\"body\":{\"n\":").append(seq).append("}}\n");
        }
        emitter.send(frame.toString());
      }
      List<JsonNode> answers = emitter.take(5, 10, m -> m.has("op"));
      List<JsonNode> events = subscriber.take(29, 10, Ws::isEvent);
      assertEquals(List.of("ack 10 x10", "ack 14 x4", "nack 15", "ack 20 x5", "ack 30 x10"),
          answers.stream().map(m -> m.get("op").asText() + " " + m.get("seq").asLong()
              + (m.has("id") ? " x" + m.path("count").asInt(1) : "")).toList());
      // Each ack's id is its run's last event; the run's events are the ids just before it.
      int e = 0;
      for (JsonNode ack : answers) {
        if (!ack.has("id")) continue;
        int count = ack.path("count").asInt(1);
        for (int i = 0; i < count; i++, e++) {
          assertEquals(ack.get("id").asLong() - count + 1 + i, events.get(e).get("id").asLong());
          assertEquals(ack.get("seq").asLong() - count + 1 + i, events.get(e).get("body").get("n").asLong());
        }
      }
      assertEquals(29, e);
    }
  }

  @Test
  void aWebSocketFilterUpdateAppliesToLaterEventsAndClientsListsEveryone() throws Exception {
    String base = relay.url();
    try (Ws ws = new Ws(base); Sse sse = new Sse(base + "/events?types=presence.>", null)) {
      ws.hello("first", null);
      Await.until(() -> TestClients.get(base + "/clients").body().contains("presence.>")
          && TestClients.get(base + "/clients").body().contains("\"types\":\"first\""), 10, "both listed");
      JsonNode clients = TestClients.JSON.readTree(TestClients.get(base + "/clients").body()).get("clients");
      JsonNode wsEntry = null;
      for (JsonNode c : clients) if (c.get("types").asText().equals("first")) wsEntry = c;
      assertEquals("ws", wsEntry.get("transport").asText());
      assertEquals("t", wsEntry.get("origin").get("name").asText());
      assertTrue(wsEntry.get("address").asText().startsWith("127.0.0.1:"));
      long first = TestClients.emit(base, "{\"type\":\"first\"}").get(0);
      assertEquals(first, ws.take(1, 10, Ws::isEvent).get(0).get("id").asLong());
      ws.send("{\"op\":\"types\",\"types\":\"second\"}");
      ws.send("{\"op\":\"ping\"}");
      assertEquals("pong", ws.take(1, 10, m -> m.has("op")).get(0).get("op").asText());
      List<Long> ids = TestClients.emit(base, "[{\"type\":\"first\"},{\"type\":\"second\"}]");
      assertEquals(ids.get(1), ws.take(1, 10, Ws::isEvent).get(0).get("id").asLong());
      ws.send("{\"op\":\"types\",\"types\":null}");
      ws.send("{\"op\":\"ping\"}");
      ws.take(1, 10, m -> m.has("op"));
      TestClients.emit(base, "{\"type\":\"second\"}");
      ws.send("{\"op\":\"ping\"}");
      ws.take(1, 10, m -> m.has("op"));
      assertTrue(ws.messages.stream().noneMatch(Ws::isEvent), "a null filter receives nothing");
    }
  }

  private static int count(List<String> sent, String... types) {
    return (int) sent.stream().filter(t -> List.of(types).contains(t)).count();
  }

  private static void assertSse(List<SseEvent> got, List<Long> ids, List<String> sent,
      java.util.function.Predicate<String> filter) {
    List<Long> expectedIds = new ArrayList<>();
    for (int i = 0; i < sent.size(); i++) if (filter.test(sent.get(i))) expectedIds.add(ids.get(i));
    List<Long> gotIds = got.stream().map(e -> Long.parseLong(e.id())).toList();
    assertEquals(expectedIds, gotIds);
    for (SseEvent e : got) {
      assertEquals(e.event(), e.data().get("type").asText());
      assertEquals(e.id(), e.data().get("id").asText());
      assertEquals(e.event(), e.data().get("body").get("type").asText());
    }
  }
}
