package org.universis.racket.relay.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.universis.racket.relay.internal.server.HostileClients.HealthProbe;
import org.universis.racket.relay.internal.server.HostileClients.RawWs;

/**
 * The misbehaving clients of {@link HostileClients} against a standalone relay with a small heap: each attack
 * gets its refusal (a status or close code), while the relay keeps answering {@code /health}
 * within a second, stays within its memory, leaves no socket in CLOSE_WAIT, and a well-behaved
 * subscriber connected throughout misses nothing.
 */
class HostileClientsIT {

  private static final int HEAP_MIB = 128;
  private static final List<String> HEAP = List.of("-Xmx" + HEAP_MIB + "m");
  /** Code the JIT compiles, Undertow's pool of direct buffers, the collector's own tables. */
  static final int NON_HEAP_MIB = 64;

  @Test
  void pingsFromAClientThatNeverReadsGetOnlyTheLatestPong() throws Exception {
    try (Scene scene = new Scene()) {
      RawWs flooder;
      try (HealthProbe probe = new HealthProbe(scene.port())) {
        // 1,000,000 pings are 131 MB in and, answered each, 127 MB of pongs queued: the heap.
        flooder = HostileClients.pingFlood(scene.port(), 1_000_000, 30);
        scene.checkAlive(probe);
      }
      scene.checkAfter(List.of(flooder));
    }
  }

  @Test
  void asksForTheClientListFromAClientThatNeverReadsEndItsConnectionNotTheHeap() throws Exception {
    try (Scene scene = new Scene()) {
      // 200 named streams with the longest origin fields: an answer to "clients" is over 100 KB.
      List<TestClients.Sse> named = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        named.add(new TestClients.Sse(scene.base() + "/events?types=none&name=" + "n".repeat(256)
            + "&origin=" + "o".repeat(250) + i, null));
      }
      RawWs asker;
      try (HealthProbe probe = new HealthProbe(scene.port())) {
        // 20,000 asks, each answered, would queue 2 GB of answers.
        asker = HostileClients.clientsFlood(scene.port(), 20_000, 30);
        scene.checkAlive(probe);
      }
      List<AutoCloseable> all = new ArrayList<>(named);
      all.add(asker);
      scene.checkAfter(all);
    }
  }

  @Test
  void framesDeclaredLargeHoldWhatArrivedAndTheirTotalIsCapped() throws Exception {
    try (Scene scene = new Scene()) {
      List<RawWs> attackers = new ArrayList<>();
      try (HealthProbe probe = new HealthProbe(scene.port())) {
        // 130 × 1.1 MB declared is 143 MB: more than the heap, if each were allocated at once.
        attackers.addAll(HostileClients.declaredFrames(scene.port(), 130));
        scene.checkAlive(probe);
        // Frames half sent: each holds its half, doubled, up to max-held-bytes (32 MiB) in all.
        int half = HostileClients.EMIT_FRAME / 2;
        List<RawWs> halves = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
          RawWs ws = new RawWs(scene.port(), 0);
          ws.listen();
          halves.add(ws);
          try {
            ws.send(HostileClients.emitStart(half));
          } catch (IOException e) {
            // refused and closed while sending: its close frame says why
          }
        }
        attackers.addAll(halves);
        int refused = 0;
        int completed = 0;
        for (RawWs ws : halves) {
          if (!ws.closedByRelay()) {
            try {
              ws.send(HostileClients.emitRest(half));
            } catch (IOException e) {
              // refused meanwhile
            }
          }
          HostileClients.Frame f = ws.next("\"op\":\"ack\"", 20);
          if (f != null && f.opcode() == 8) {
            assertEquals(HostileClients.TRY_AGAIN_LATER, f.closeCode(), "refused for want of room");
            refused++;
          } else {
            assertTrue(f != null && f.text().contains("\"seq\":1"), "a connection within the cap is served: "
                + (f == null ? "closed" : f.opcode() + " " + f.text()));
            completed++;
          }
        }
        assertTrue(refused > 0, "past 32 MiB held, connections are refused");
        assertTrue(completed >= 20, "the cap leaves room for 33 such frames; served " + completed);
        scene.checkAlive(probe);
      }
      scene.checkAfter(attackers);
    }
  }

  @Test
  void subscribersThatResumeTheWholeHistoryAndNeverReadHoldAFrameEachNotTheHistory() throws Exception {
    try (Scene scene = new Scene()) {
      HostileClients.fillHistory(scene.base(), "fill", 310, 100_000); // 31 MB of history
      List<Integer> statuses = new ArrayList<>();
      List<Socket> stalled;
      try (HealthProbe probe = new HealthProbe(scene.port())) {
        stalled = HostileClients.stalledReplays(scene.port(), 12, statuses);
        scene.checkAlive(probe);
      }
      assertEquals(List.of(200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200), statuses);
      scene.checkAfter(stalled);
    }
  }

  @Test
  void aBatchOfMoreEventsThanMaxBatchIsRefusedWith413() throws Exception {
    try (Scene scene = new Scene()) {
      String zeros = HostileClients.zeros(1 << 20); // 524,287 events, as the issue's
      try (HealthProbe probe = new HealthProbe(scene.port())) {
        for (int i = 0; i < 3; i++) {
          HttpResponse<String> r = HostileClients.post(scene.base() + "/events", "application/json", zeros);
          assertEquals(413, r.statusCode(), () -> r.body().substring(0, Math.min(200, r.body().length())));
          assertTrue(r.body().contains("max-batch"), r.body());
        }
        HttpResponse<String> line = HostileClients.post(scene.base() + "/events", "application/x-ndjson",
            "{\"a\":1}\n" + HostileClients.zeros(100_000) + "\n");
        assertEquals(413, line.statusCode(), () -> line.body().substring(0, Math.min(200, line.body().length())));
        assertTrue(line.body().contains("line 2") && line.body().contains("max-batch"), line.body());
        assertTrue(line.body().contains("\"count\":1"), "the line before stands: " + line.body());
        scene.checkAlive(probe);
      }
      scene.checkAfter(List.of());
    }
  }

  @Test
  void headersAndBodiesThatTrickleAreTimedOutWhileStreamsThatKeepSendingOrOnlyListenStay() throws Exception {
    try (Scene scene = new Scene("--read-timeout", "2", "--heartbeat", "60");
        TestClients.Sse idleSse = new TestClients.Sse(scene.base() + "/events?types=good", null);
        TestClients.LineStream silent = new TestClients.LineStream(scene.port(), "", "");
        TestClients.LineStream steady = new TestClients.LineStream(scene.port(), "", "");
        Socket slowBody = new Socket("127.0.0.1", scene.port())) {
      Await.until(() -> TestClients.metric(scene.base(), "racket_subscribers") == 2, 10, "subscribers");
      silent.chunk("{\"type\":\"silent\"}\n");
      slowBody.setSoTimeout(15_000);
      slowBody.getOutputStream().write(("POST /events HTTP/1.1\r\nHost: 127.0.0.1:" + scene.port()
          + "\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"type\":")
          .getBytes(StandardCharsets.US_ASCII));
      long start = System.nanoTime();
      // The steady stream sends a line every 300 ms throughout: pacing, as a real sender's.
      Thread sender = new Thread(() -> {
        try {
          for (int i = 0; i < 100 && !Thread.currentThread().isInterrupted(); i++) {
            steady.chunk("{\"type\":\"steady\"}\n");
            TimeUnit.MILLISECONDS.sleep(300);
          }
        } catch (IOException | InterruptedException e) {
          // ended by the test
        }
      }, "steady-sender");
      sender.start();
      double headClosedAfter = HostileClients.trickleHeaders(scene.port(), 100, 15);
      assertTrue(headClosedAfter >= 1.5 && headClosedAfter < 6,
          "a head that trickles is closed after read-timeout: " + headClosedAfter + " s");
      TestClients.Answer body = TestClients.LineStream.answerOf(slowBody.getInputStream());
      assertEquals(408, body.status(), body.toString());
      assertTrue(body.body().get("message").asText().contains("read-timeout"), body.toString());
      TestClients.Answer lines = silent.answer();
      assertEquals(408, lines.status(), lines.toString());
      assertEquals(1, lines.body().get("count").asInt(), "the line before the silence stands");
      assertTrue(System.nanoTime() - start > TimeUnit.SECONDS.toNanos(2), "past the read timeout");
      sender.interrupt();
      sender.join(5000);
      TestClients.Answer streamed = steady.end();
      assertEquals(202, streamed.status(), "a stream that keeps sending is not cut: " + streamed);
      assertTrue(streamed.body().get("count").asInt() >= 7, streamed.toString());
      // Both subscribers were silent longer than the timeout, and still get what comes.
      List<Long> ids = TestClients.emit(scene.base(), "{\"type\":\"good\"}");
      assertEquals(ids.get(0), Long.parseLong(idleSse.take(1, 10).get(0).id()));
      scene.expectGood(ids);
      scene.checkAfter(List.of(slowBody));
    }
  }

  @Test
  void oneAddressHoldsAtMostMaxConnectionsPerPeerAndAnotherIsServed() throws Exception {
    try (Scene scene = new Scene("--max-connections-per-peer", "3")) {
      // The good subscriber holds one place of 127.0.0.1's three.
      List<Socket> sse = new ArrayList<>();
      for (int i = 0; i < 2; i++) sse.add(sse(scene.port(), "127.0.0.1", 200));
      Socket refused = new Socket();
      refused.connect(new InetSocketAddress("127.0.0.1", scene.port()));
      refused.getOutputStream().write(("GET /events HTTP/1.1\r\nHost: 127.0.0.1:" + scene.port() + "\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      TestClients.Answer answer = TestClients.LineStream.answerOf(refused.getInputStream());
      assertEquals(503, answer.status());
      assertTrue(answer.body().get("message").asText().contains("max-connections-per-peer"), answer.toString());
      try (RawWs ws = new RawWs(scene.port(), 0)) {
        assertEquals(HostileClients.TRY_AGAIN_LATER, ws.closeCode());
      }
      sse.add(sse(scene.port(), "127.0.0.2", 200)); // another address of the loopback network
      sse.add(refused);
      scene.checkAfter(sse);
    }
  }

  @Test
  void anOutOfMemoryErrorEndsTheStandaloneRelayWithItsOwnStatus() throws Exception {
    // A history larger than the heap: a misconfiguration, the surest way to run out.
    try (RelayProcess relay = RelayProcess.start(List.of("-Xmx32m"), "--history-bytes", "1g",
        "--history-size", "100000")) {
      String body = "{\"type\":\"big\",\"p\":\"" + "m".repeat(900_000) + "\"}";
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      for (int i = 0; i < 200 && relay.process.isAlive() && System.nanoTime() < deadline; i++) {
        try {
          HostileClients.post(relay.url() + "/events", "application/json", body);
        } catch (IOException e) {
          // the relay went
        }
      }
      assertTrue(relay.process.waitFor(30, TimeUnit.SECONDS), "the relay exits");
      assertEquals(3, relay.process.exitValue());
      relay.close();
      assertTrue(relay.stderr.stream().anyMatch(l -> l.startsWith("racket relay: out of memory; exiting")),
          String.join("\n", relay.stderr));
    }
  }

  private static Socket sse(int port, String from, int expected) throws IOException {
    Socket s = new Socket();
    s.bind(new InetSocketAddress(from, 0));
    s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    s.setSoTimeout(10_000);
    s.getOutputStream().write(("GET /events HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    String head = HostileClients.readHead(s.getInputStream());
    assertTrue(head.startsWith("HTTP/1.1 " + expected), head);
    return s;
  }

  /**
   * A relay process with a small heap and a good subscriber (a WebSocket of type "good") that
   * got the events posted before the attack.
   */
  private static final class Scene implements AutoCloseable {
    private final RelayProcess relay;
    private final TestClients.Ws good;
    private final long idleRss;

    Scene(String... args) throws Exception {
      relay = RelayProcess.start(HEAP, args);
      good = new TestClients.Ws(relay.url());
      good.hello("good", null);
      idleRss = HostileClients.rssMiB(relay.process.pid());
      expectGood(TestClients.emit(base(), goodBatch()));
    }

    int port() {
      return relay.port;
    }

    String base() {
      return relay.url();
    }

    // Whatever clients do, the heap cannot pass -Xmx, and the relay's bounds keep it from the
    // OutOfMemoryError that unbounded queues reached. RSS stays within what the idle relay used,
    // the heap's bound, and NON_HEAP_MIB for what grows beside the heap under load.
    long rssBound() {
      return idleRss + HEAP_MIB + NON_HEAP_MIB;
    }

    void checkAlive(HealthProbe probe) throws Exception {
      assertTrue(relay.process.isAlive(), "the relay lives; stderr: " + relay.stderr);
      assertTrue(HostileClients.health(port()).toMillis() < 1000, "/health within 1 s");
      assertTrue(probe.worstMillis() < 1000, "/health within 1 s throughout: " + probe.worstMillis() + " ms");
      long rss = HostileClients.rssMiB(relay.process.pid());
      assertTrue(rss <= rssBound(), "RSS " + rss + " MiB within " + rssBound());
    }

    /** Closes the attackers; then the relay's ends close too, and the good subscriber missed nothing. */
    void checkAfter(List<? extends AutoCloseable> attackers) throws Exception {
      HostileClients.closeAll(attackers);
      assertTrue(relay.process.isAlive(), "the relay lives; stderr: " + relay.stderr);
      assertTrue(HostileClients.health(port()).toMillis() < 1000, "/health within 1 s");
      Await.until(() -> HostileClients.closeWait(port()) == 0, 10,
          () -> "sockets left in CLOSE_WAIT: " + uncheckedCloseWait());
      expectGood(TestClients.emit(base(), goodBatch()));
      assertTrue(relay.stderr.stream().noneMatch(l -> l.contains("OutOfMemoryError")), String.join("\n", relay.stderr));
    }

    private int uncheckedCloseWait() {
      try {
        return HostileClients.closeWait(port());
      } catch (IOException e) {
        return -1;
      }
    }

    /** The good subscriber gets {@code ids}, after everything it got before, in order. */
    void expectGood(List<Long> ids) throws Exception {
      List<Long> got = good.take(ids.size(), 20, TestClients.Ws::isEvent).stream()
          .map(m -> m.get("id").asLong()).toList();
      assertEquals(ids, got, "the good subscriber misses nothing");
    }

    private static String goodBatch() {
      StringBuilder b = new StringBuilder("[");
      for (int i = 0; i < 20; i++) b.append(i == 0 ? "" : ",").append("{\"type\":\"good\",\"n\":").append(i).append('}');
      return b.append(']').toString();
    }

    @Override
    public void close() throws Exception {
      good.close();
      relay.close();
    }
  }
}
