package org.universis.racket.relay.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.universis.racket.ProcessEvent;
import org.universis.racket.ProcessEventEmitter;
import org.universis.racket.RacketOptions;
import org.universis.racket.relay.internal.server.TestClients.Sse;
import org.universis.racket.relay.internal.server.TestClients.SseEvent;

/** Relays joined through a real redis-server: one order, the same ids, nothing lost or doubled. */
class BackplaneIT {

  private static final List<String> JVM = List.of("-Xmx128m", "-XX:TieredStopAtLevel=1");

  @Test
  void eventsEmittedAtTwoRelaysReachEverySubscriberOfBothInOneOrderWithTheSameIds() throws Exception {
    try (RedisServer redis = RedisServer.memory();
        RelayProcess a = relay(redis);
        RelayProcess b = relay(redis);
        Sse sseA = new Sse(a.url() + "/events?types=bp.>", null);
        Sse sseB = new Sse(b.url() + "/events?types=bp.>", null);
        ProcessEventEmitter jvmA = client(a);
        ProcessEventEmitter jvmB = client(b)) {
      BlockingQueue<ProcessEvent> seenA = new LinkedBlockingQueue<>();
      BlockingQueue<ProcessEvent> seenB = new LinkedBlockingQueue<>();
      jvmA.subscribe("bp.>", seenA::add);
      jvmB.subscribe("bp.>", seenB::add);
      for (RelayProcess r : List.of(a, b)) {
        Await.until(() -> TestClients.metric(r.url(), "racket_subscribers") >= 2, 20, "subscribers");
        assertTrue(health(r).path("backplaneConnected").asBoolean(), "/health: " + health(r));
      }
      List<Long> accepted = Collections.synchronizedList(new ArrayList<>());
      CompletableFuture<Void> posts = CompletableFuture.runAsync(() -> {
        try {
          for (int i = 0; i < 20; i++) {
            accepted.addAll(TestClients.emit(a.url(), "[{\"type\":\"bp.http\",\"n\":" + i
                + "},{\"type\":\"bp.http\",\"n\":" + i + "},{\"type\":\"bp.other\"}]"));
          }
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      List<CompletableFuture<Long>> emitted = new ArrayList<>();
      for (int i = 0; i < 60; i++) emitted.add(jvmB.emit("bp.jvm", Map.of("n", i)));
      posts.get(60, TimeUnit.SECONDS);
      for (CompletableFuture<Long> f : emitted) accepted.add(f.get(30, TimeUnit.SECONDS));
      int total = 120;
      List<Long> expected = new ArrayList<>(accepted);
      Collections.sort(expected);

      List<Long> atSseA = ids(sseA.take(total, 30));
      List<Long> atSseB = ids(sseB.take(total, 30));
      List<Long> atJvmA = idsOf(seenA, total);
      List<Long> atJvmB = idsOf(seenB, total);
      assertEquals(expected, atSseA, "SSE at A: every accepted event, in id order, with the acked ids");
      assertEquals(atSseA, atSseB, "SSE at B: the same order and ids as at A");
      assertEquals(atSseA, atJvmA, "the JVM client at A");
      assertEquals(atSseA, atJvmB, "the JVM client at B");
      assertTrue(sseA.events.isEmpty() && sseB.events.isEmpty() && seenA.isEmpty() && seenB.isEmpty(),
          "nothing more, nothing twice");
    }
  }

  @Test
  void aRelayKilledAndRestartedReplaysWhatItsClientMissedFromItsLastEventId() throws Exception {
    // b is killed mid-test; closing it again at the end stops it on every path.
    try (RedisServer redis = RedisServer.memory(); RelayProcess a = relay(redis); RelayProcess b = relay(redis)) {
      long lastSeen;
      try (Sse sse = new Sse(b.url() + "/events?types=bp.>", null)) {
        Await.until(() -> TestClients.metric(b.url(), "racket_subscribers") >= 1, 20, "subscriber");
        TestClients.emit(a.url(), "[{\"type\":\"bp.before\"},{\"type\":\"bp.before\"}]");
        lastSeen = Long.parseLong(sse.take(2, 20).get(1).id());
      }
      AtomicBoolean flowing = new AtomicBoolean(true);
      List<Long> sent = Collections.synchronizedList(new ArrayList<>());
      CompletableFuture<Void> flow = CompletableFuture.runAsync(() -> {
        try {
          for (int i = 0; flowing.get() || i < 10; i++) {
            sent.addAll(TestClients.emit(a.url(), "{\"type\":\"bp.during\",\"n\":" + i + "}"));
          }
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      b.kill();
      int whileDown = sent.size();
      RelayProcess again = relay(redis);
      try (again) {
        flowing.set(false);
        flow.get(60, TimeUnit.SECONDS);
        List<Long> expected = new ArrayList<>(sent);
        try (Sse resumed = new Sse(again.url() + "/events?types=bp.>", String.valueOf(lastSeen))) {
          List<Long> got = ids(resumed.take(expected.size(), 30));
          assertEquals(expected, got, "every event after the last one seen, once, in order ("
              + whileDown + " sent before the restart began)");
          long live = TestClients.emit(a.url(), "{\"type\":\"bp.live\"}").get(0);
          assertEquals(live, Long.parseLong(resumed.take(1, 20).get(0).id()), "then live");
        }
      }
    }
  }

  @Test
  void redisKilledAndRestartedWhileARelayTakesEmitsLosesAndDoublesNothingAccepted() throws Exception {
    try (RedisServer redis = RedisServer.durable();
        RelayProcess a = relay(redis);
        Sse sse = new Sse(a.url() + "/events?types=bp.>", null)) {
      Await.until(() -> TestClients.metric(a.url(), "racket_subscribers") >= 1, 20, "subscriber");
      Map<Integer, Long> accepted = Collections.synchronizedMap(new TreeMap<>());
      ConcurrentLinkedQueue<String> refused = new ConcurrentLinkedQueue<>();
      AtomicInteger next = new AtomicInteger();
      AtomicBoolean flowing = new AtomicBoolean(true);
      List<CompletableFuture<Void>> posters = new ArrayList<>();
      for (int t = 0; t < 3; t++) {
        posters.add(CompletableFuture.runAsync(() -> {
          while (flowing.get()) {
            int n = next.getAndIncrement();
            try {
              HttpResponse<String> r = post(a.url(), "{\"type\":\"bp.n\",\"n\":" + n + "}");
              if (r.statusCode() == 202) {
                accepted.put(n, TestClients.JSON.readTree(r.body()).get("ids").get(0).asLong());
              } else {
                refused.add(r.statusCode() + " " + r.body());
              }
            } catch (Exception e) {
              refused.add(e.toString());
            }
          }
        }));
      }
      Await.until(() -> accepted.size() >= 50, 30, "emits before the outage");
      redis.kill();
      Await.until(() -> health(a).path("backplaneHeld").asInt() > 0, 30,
          "emits held while Redis is down");
      Await.until(() -> !health(a).path("backplaneConnected").asBoolean(), 30, "/health shows the outage");
      int beforeRestart = accepted.size();
      redis.start();
      Await.until(() -> accepted.size() >= beforeRestart + 50, 60, "emits after Redis returned");
      flowing.set(false);
      for (CompletableFuture<Void> p : posters) p.get(60, TimeUnit.SECONDS);
      assertTrue(refused.isEmpty(), "nothing refused within the hold bound: " + refused);

      Map<Integer, Long> got = new TreeMap<>();
      List<Long> order = new ArrayList<>();
      Await.until(() -> {
        for (SseEvent e; (e = sse.events.poll()) != null; ) {
          assertEquals("bp.n", e.event(), "no resync: nothing was lost: " + e.data());
          Long twice = got.put(e.data().get("body").get("n").asInt(), Long.parseLong(e.id()));
          assertEquals(null, twice, "event " + e.data() + " delivered twice");
          order.add(Long.parseLong(e.id()));
        }
        return got.size() >= accepted.size();
      }, 60, () -> got.size() + " of " + accepted.size() + " delivered");
      assertEquals(accepted, got, "every accepted event once, with the id its emitter was told");
      List<Long> sorted = new ArrayList<>(order);
      Collections.sort(sorted);
      assertEquals(sorted, order, "in id order");
    }
  }

  @Test
  void aRelayThatFellBehindTheTrimmedStreamSendsItsSubscribersAResync() throws Exception {
    // Small stream nodes, so that MAXLEN ~ 8 trims close to 8 entries.
    try (RedisServer redis = RedisServer.memory("--stream-node-max-entries", "4");
        RelayProcess a = RelayProcess.start(JVM, "--backplane", redis.url(), "--history-size", "8");
        RelayProcess b = relay(redis);
        Sse sse = new Sse(b.url() + "/events?types=bp.>", null)) {
      Await.until(() -> TestClients.metric(b.url(), "racket_subscribers") >= 1, 20, "subscriber");
      long seen = TestClients.emit(a.url(), "{\"type\":\"bp.seen\"}").get(0);
      assertEquals(seen, Long.parseLong(sse.take(1, 20).get(0).id()));
      List<Long> ids;
      signal(b, "-STOP"); // b reads nothing while the stream moves on past its length
      try {
        StringBuilder batch = new StringBuilder("[");
        for (int i = 0; i < 40; i++) batch.append(i == 0 ? "" : ",").append("{\"type\":\"bp.n\",\"n\":").append(i).append('}');
        ids = TestClients.emit(a.url(), batch.append(']').toString());
      } finally {
        signal(b, "-CONT");
      }
      SseEvent notice = sse.take(1, 30).get(0);
      assertEquals("racket.resync", notice.event(), "first the gap: " + notice.data());
      JsonNode body = notice.data().get("body");
      assertEquals("backplane", body.get("reason").asText());
      assertEquals(seen + 1, body.get("from").asLong());
      long firstKept = body.get("to").asLong() + 1;
      List<Long> kept = ids.stream().filter(id -> id >= firstKept).toList();
      assertTrue(kept.size() >= 8 && kept.size() < 40, "the stream kept about 8: " + kept.size());
      assertEquals(kept, ids(sse.take(kept.size(), 30)), "then what the stream still held, in order");
    }
  }

  private static void signal(RelayProcess relay, String signal) throws Exception {
    Process kill = new ProcessBuilder("kill", signal, String.valueOf(relay.process.pid())).start();
    assertTrue(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0, "kill " + signal);
  }

  private static RelayProcess relay(RedisServer redis) throws Exception {
    return RelayProcess.start(JVM, "--backplane", redis.url());
  }

  private static ProcessEventEmitter client(RelayProcess relay) {
    return new ProcessEventEmitter(RacketOptions.builder().url(relay.url())
        .mode(RacketOptions.Mode.CLIENT).build());
  }

  private static HttpResponse<String> post(String base, String body) throws Exception {
    return TestClients.HTTP.send(HttpRequest.newBuilder(URI.create(base + "/events"))
        .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode health(RelayProcess relay) throws Exception {
    return TestClients.JSON.readTree(TestClients.get(relay.url() + "/health").body());
  }

  private static List<Long> ids(List<SseEvent> events) {
    return events.stream().map(e -> Long.parseLong(e.id())).toList();
  }

  private static List<Long> idsOf(BlockingQueue<ProcessEvent> events, int n) throws InterruptedException {
    List<Long> out = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (out.size() < n) {
      ProcessEvent e = events.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (e == null) throw new AssertionError("got " + out.size() + " of " + n + " events");
      out.add(e.id());
    }
    return out;
  }
}
