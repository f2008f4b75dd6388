package org.universis.racket.relay.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.universis.racket.relay.Relay;
import org.universis.racket.relay.RelayConfig;

/** The embedded relay: what the JVM client uses in auto mode. */
class RelayTest {

  private static List<Thread> relayThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("racket-relay")).toList();
  }

  private static void awaitNoRelayThreads() throws Exception {
    Await.until(() -> relayThreads().isEmpty(), 10, "relay threads to stop");
  }

  @Test
  void anEmbeddedRelayRunsOnDaemonThreadsAndStopsThemAllOnClose() throws Exception {
    awaitNoRelayThreads();
    Relay relay = Relay.start(RelayConfig.builder().port(0).daemonThreads(true).build());
    try {
      assertTrue(relay.port() > 0);
      List<Thread> threads = relayThreads();
      assertTrue(!threads.isEmpty());
      for (Thread t : threads) assertTrue(t.isDaemon(), t.getName() + " is a daemon");
      String base = "http://127.0.0.1:" + relay.port();
      long before = relay.lastId();
      List<Long> ids = TestClients.emit(base, "{\"type\":\"embedded\"}");
      assertEquals(before + 1, ids.get(0));
      assertEquals(ids.get(0), relay.lastId());
      // Open streams do not keep it running either.
      TestClients.Sse open = new TestClients.Sse(base + "/events", null);
      TestClients.Ws ws = new TestClients.Ws(base);
      ws.hello(">", null);
      assertEquals(200, open.status);
    } finally {
      relay.close();
    }
    awaitNoRelayThreads();
  }

  @Test
  void theRelayRunsAsManyIoThreadsAsConfigured() throws Exception {
    awaitNoRelayThreads();
    // Five: more than any default (1 to 4), so a relay that ignored the option could not pass.
    try (Relay relay = Relay.start(RelayConfig.builder().port(0).daemonThreads(true).ioThreads(5).build())) {
      assertEquals(5, relayThreads().stream().filter(t -> t.getName().contains(" I/O-")).count());
      assertEquals(200, TestClients.get("http://127.0.0.1:" + relay.port() + "/health").statusCode());
    }
    awaitNoRelayThreads();
  }

  @Test
  void aTakenPortFailsWithABindExceptionAndLeavesNoThreads() throws Exception {
    awaitNoRelayThreads();
    try (Relay first = Relay.start(RelayConfig.builder().port(0).daemonThreads(true).build())) {
      int firstThreads = relayThreads().size();
      UncheckedIOException e = assertThrows(UncheckedIOException.class,
          () -> Relay.start(RelayConfig.builder().port(first.port()).daemonThreads(true).build()));
      assertInstanceOf(BindException.class, e.getCause());
      assertTrue(e.getMessage().contains(String.valueOf(first.port())), e.getMessage());
      Await.until(() -> relayThreads().size() == firstThreads, 10, "only the first relay's threads");
    }
    awaitNoRelayThreads();
  }

  @Test
  void anIdleStreamGetsHeartbeatComments() throws Exception {
    try (Relay relay = Relay.start(RelayConfig.builder().port(0).daemonThreads(true).heartbeatSeconds(1).build())) {
      var response = TestClients.HTTP.send(java.net.http.HttpRequest.newBuilder(
          java.net.URI.create("http://127.0.0.1:" + relay.port() + "/events")).build(),
          java.net.http.HttpResponse.BodyHandlers.ofLines());
      try (var lines = response.body()) {
        // ": racket 1", its blank line, then ":" from the heartbeat.
        List<String> first = java.util.concurrent.CompletableFuture.supplyAsync(() -> lines.limit(3).toList())
            .get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(List.of(": racket 1", "", ":"), first);
      }
    }
  }

  @Test
  void eachRelayHasItsOwnEpochAndALaterOneHandsOutLargerIds() throws Exception {
    long firstIdOfEarlier;
    String earlierEpoch;
    try (Relay earlier = Relay.start(RelayConfig.builder().port(0).daemonThreads(true).build())) {
      earlierEpoch = earlier.epoch();
      firstIdOfEarlier = TestClients.emit("http://127.0.0.1:" + earlier.port(), "[1,2,3]").get(2);
    }
    try (Relay later = Relay.start(RelayConfig.builder().port(0).daemonThreads(true).build())) {
      assertNotEquals(earlierEpoch, later.epoch());
      assertTrue(TestClients.emit("http://127.0.0.1:" + later.port(), "1").get(0) > firstIdOfEarlier);
    }
  }

  @Test
  void sseStreamsWrittenWhileTheirReadersLagArriveIntact() throws Exception {
    // As for WebSocket (WsConnectionTest): frames are built in a buffer the relay reuses once
    // send returns, so what waits for a lagging reader must be a copy. Three streams, two IO
    // threads: at least two share one.
    try (Relay relay = Relay.start(RelayConfig.builder().port(0).daemonThreads(true).ioThreads(2).build())) {
      String base = "http://127.0.0.1:" + relay.port();
      List<java.net.Socket> streams = new java.util.ArrayList<>();
      try {
        for (int c = 0; c < 3; c++) {
          java.net.Socket s = new java.net.Socket();
          s.setReceiveBufferSize(4096);
          s.connect(new java.net.InetSocketAddress("127.0.0.1", relay.port()));
          s.setSoTimeout(10_000);
          s.getOutputStream().write("GET /events?types=lag HTTP/1.0\r\n\r\n"
              .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
          streams.add(s);
        }
        Await.until(() -> TestClients.metric(base, "racket_subscribers") == 3, 10, "streams open");
        TestClients.postLagEvents(base); // unread meanwhile
        for (java.net.Socket s : streams) {
          var in = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(),
              java.nio.charset.StandardCharsets.UTF_8));
          int seen = 0;
          for (String line; seen < TestClients.LAG_EVENTS && (line = in.readLine()) != null; ) {
            if (line.startsWith("data: ")) TestClients.assertLagEvent(seen++, line.substring(6));
          }
          assertEquals(TestClients.LAG_EVENTS, seen);
        }
      } finally {
        for (java.net.Socket s : streams) s.close();
      }
    }
  }

  @Test
  void aPostWhoseOriginHeadersPassTheLimitIsRefusedNamingIt() throws Exception {
    try (Relay relay = Relay.start(RelayConfig.builder().port(0).daemonThreads(true).build())) {
      String events = "http://127.0.0.1:" + relay.port() + "/events";
      for (String header : List.of("Racket-Origin", "Racket-Name")) {
        HttpResponse<String> at = postWith(events, header, "o".repeat(WsMessage.MAX_ORIGIN_FIELD));
        assertEquals(202, at.statusCode(), at.body());
        HttpResponse<String> past = postWith(events, header, "o".repeat(WsMessage.MAX_ORIGIN_FIELD + 1));
        assertEquals(400, past.statusCode(), past.body());
        assertTrue(past.body().contains(header + " is over " + WsMessage.MAX_ORIGIN_FIELD + " characters"),
            past.body());
      }
    }
  }

  private static HttpResponse<String> postWith(String url, String header, String value) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/json").header(header, value)
        .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"origin\"}")).build();
    return TestClients.HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }
}
