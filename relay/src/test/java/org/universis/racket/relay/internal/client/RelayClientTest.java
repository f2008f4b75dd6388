package org.universis.racket.relay.internal.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.universis.racket.ProcessEvent;
import org.universis.racket.ProcessEventEmitter;
import org.universis.racket.RacketOptions;
import org.universis.racket.relay.Relay;
import org.universis.racket.relay.RelayConfig;
import org.universis.racket.relay.internal.server.Await;
import org.universis.racket.relay.internal.server.RelayProcess;

/** The client against a real relay in this JVM, on a free port. */
class RelayClientTest {

  record Invalidate(String cache, int key) {}

  /** A plain bean, as many applications still write them. */
  public static class Order {
    private String id;
    private List<String> items = new ArrayList<>();

    public String getId() { return id; }
    public void setId(String id) { this.id = id; }
    public List<String> getItems() { return items; }
    public void setItems(List<String> items) { this.items = items; }
  }

  private Relay relay;
  private final List<ProcessEventEmitter> emitters = new ArrayList<>();

  @BeforeEach
  void startRelay() {
    // Through a TcpProxy the Host names the proxy's port: any port for 127.0.0.1, as behind a proxy.
    relay = Relay.start(RelayConfig.builder().port(0).daemonThreads(true).allowHost("127.0.0.1").build());
  }

  @AfterEach
  void closeAll() {
    emitters.forEach(ProcessEventEmitter::close);
    if (relay != null) relay.close();
  }

  private ProcessEventEmitter emitter() {
    return emitter(RacketOptions.builder().url("http://127.0.0.1:" + relay.port()).mode(RacketOptions.Mode.CLIENT));
  }

  private ProcessEventEmitter emitterThrough(TcpProxy network) {
    return emitter(RacketOptions.builder().url("http://127.0.0.1:" + network.port())
        .mode(RacketOptions.Mode.CLIENT));
  }

  // A handler's wait for the test to let it go.
  private static void await(CountDownLatch release) {
    try {
      release.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // Emits `count` events of the type, each once the handler recorded the one before in `handled`:
  // each finds its subscription idle.
  private static void emitOneAtATime(ProcessEventEmitter e, String type, int count,
      List<?> handled) throws Exception {
    for (int n = 0; n < count; n++) {
      e.emit(type, n).get(10, TimeUnit.SECONDS);
      int expected = n + 1;
      Await.until(() -> handled.size() == expected, 30, handled::toString);
    }
  }

  // A handler's work.
  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private ProcessEventEmitter emitter(RacketOptions.Builder options) {
    ProcessEventEmitter e = new ProcessEventEmitter(options.build());
    emitters.add(e);
    return e;
  }

  @Test
  void recordsAndPojosRoundTripThroughEmitAndBody() throws Exception {
    ProcessEventEmitter e = emitter();
    List<ProcessEvent> got = new CopyOnWriteArrayList<>();
    e.subscribe("cache.invalidate,order.placed", got::add);
    Order order = new Order();
    order.setId("o-1");
    order.setItems(List.of("book", "pen"));
    long first = e.emit("cache.invalidate", new Invalidate("users", 42)).get(30, TimeUnit.SECONDS);
    long second = e.emit("order.placed", order).get(30, TimeUnit.SECONDS);
    assertTrue(second > first);
    Await.until(() -> got.size() == 2, 30, got::toString);

    assertEquals(new Invalidate("users", 42), got.get(0).body(Invalidate.class));
    assertEquals(Map.of("cache", "users", "key", 42), got.get(0).body());
    assertEquals(first, got.get(0).id());
    Order back = got.get(1).body(Order.class);
    assertEquals("o-1", back.getId());
    assertEquals(List.of("book", "pen"), back.getItems());
    assertTrue(got.get(1).json().endsWith("\"body\":{\"id\":\"o-1\",\"items\":[\"book\",\"pen\"]}}"),
        got.get(1).json());
  }

  @Test
  void aBodyThatDoesNotFitTheClassSaysWhy() throws Exception {
    ProcessEventEmitter e = emitter();
    List<ProcessEvent> got = new CopyOnWriteArrayList<>();
    e.subscribe(got::add);
    e.emit("cache.invalidate", Map.of("cache", "users", "key", "forty-two")).get(30, TimeUnit.SECONDS);
    e.emit("cache.invalidate", Map.of("cache", "users")).get(30, TimeUnit.SECONDS);
    e.emit("cache.invalidate", List.of(1, 2)).get(30, TimeUnit.SECONDS);
    Await.until(() -> got.size() == 3, 30, got::toString);

    IllegalArgumentException wrongKind =
        assertThrows(IllegalArgumentException.class, () -> got.get(0).body(Invalidate.class));
    assertTrue(wrongKind.getMessage().contains("key") && wrongKind.getMessage().contains("forty-two")
        && wrongKind.getMessage().contains(Invalidate.class.getName()), wrongKind.getMessage());
    IllegalArgumentException missing =
        assertThrows(IllegalArgumentException.class, () -> got.get(1).body(Invalidate.class));
    assertTrue(missing.getMessage().contains("key") && missing.getMessage().contains("missing or null"),
        missing.getMessage());
    IllegalArgumentException array =
        assertThrows(IllegalArgumentException.class, () -> got.get(2).body(Invalidate.class));
    assertTrue(array.getMessage().contains("does not fit"), array.getMessage());
  }

  @Test
  void typeFiltersAndWildcardsSelectPerSubscriptionOnOneConnection() throws Exception {
    ProcessEventEmitter e = emitter();
    List<String> star = new CopyOnWriteArrayList<>();
    List<String> rest = new CopyOnWriteArrayList<>();
    List<String> exact = new CopyOnWriteArrayList<>();
    List<String> all = new CopyOnWriteArrayList<>();
    e.subscribe("job.*.done", ev -> star.add(ev.type()));
    e.subscribe("cache.>", ev -> rest.add(ev.type()));
    e.subscribe("config.reloaded", ev -> exact.add(ev.type()));
    e.subscribe(ev -> all.add(ev.type()));
    List<String> types = List.of("job.7.done", "job.7.failed", "job.done", "cache", "cache.a",
        "cache.a.b", "config.reloaded", "config", "message");
    for (String t : types) e.emit(t, Map.of("t", t));
    e.emit(Map.of("type", "job.8.done", "note", "type from the body")).get(30, TimeUnit.SECONDS);
    e.emit(Map.of("body", "Hello World!")).get(30, TimeUnit.SECONDS);
    // Each subscription runs on its own: wait for each, then check that none got more.
    Await.until(() -> all.size() == types.size() + 2, 30, all::toString);
    Await.until(() -> star.size() >= 2 && rest.size() >= 2 && exact.size() >= 1, 30,
        () -> star + " " + rest + " " + exact);

    assertEquals(List.of("job.7.done", "job.8.done"), star);
    assertEquals(List.of("cache.a", "cache.a.b"), rest);
    assertEquals(List.of("config.reloaded"), exact);
    assertEquals("message", all.get(all.size() - 1));
  }

  @Test
  void aThrowingHandlerIsLoggedAndDeliveryGoesOn() throws Exception {
    ProcessEventEmitter e = emitter();
    List<Long> handled = new CopyOnWriteArrayList<>();
    e.subscribe("boom", ev -> {
      handled.add(((Number) ev.body(Map.class).get("n")).longValue());
      throw new IllegalStateException("handler failure on purpose");
    });
    for (int n = 1; n <= 5; n++) e.emit("boom", Map.of("n", n));
    Await.until(() -> handled.size() == 5, 30, handled::toString);
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L), handled);
  }

  @Test
  void aHandlerThatThrowsACheckedExceptionOnTheReaderLeavesTheConnectionUp() throws Exception {
    try (TcpProxy network = new TcpProxy(relay.port())) {
      ProcessEventEmitter e = emitterThrough(network);
      List<String> threads = new CopyOnWriteArrayList<>();
      e.subscribe("boom", ev -> {
        threads.add(Thread.currentThread().getName());
        RelayClientTest.<RuntimeException>throwSneakily(new java.io.IOException("on purpose"));
      });
      emitOneAtATime(e, "boom", 5, threads);
      assertTrue(threads.get(0).startsWith("racket-ws-"), threads::toString);
      assertEquals(1, network.accepted(), "one connection throughout");
    }
  }

  // Throws a checked exception from code that declares none, as Kotlin and Lombok's do.
  @SuppressWarnings("unchecked")
  private static <T extends Throwable> void throwSneakily(Throwable t) throws T {
    throw (T) t;
  }

  @Test
  void aQuickHandlerOfEventsArrivingOneAtATimeRunsOnTheConnectionsReader() throws Exception {
    ProcessEventEmitter e = emitter();
    List<String> threads = new CopyOnWriteArrayList<>();
    e.subscribe("one", event -> threads.add(Thread.currentThread().getName()));
    emitOneAtATime(e, "one", 20, threads);
    // Most, not all: two runs in a row that lost their core for 2 ms send the next to the pool.
    long onReader = threads.stream().filter(t -> t.startsWith("racket-ws-")).count();
    assertTrue(onReader >= 10, threads::toString);
  }

  @Test
  void aHandlerSlowOnTheReaderTwiceInARowRunsOnHandlerThreads() throws Exception {
    ProcessEventEmitter e = emitter();
    List<String> threads = new CopyOnWriteArrayList<>();
    e.subscribe("one", event -> {
      threads.add(Thread.currentThread().getName());
      sleep(LocalSubscription.SLOW_ON_READER_NANOS / 1_000_000 + 3);
    });
    emitOneAtATime(e, "one", 3, threads);
    assertTrue(threads.get(0).startsWith("racket-ws-"), threads::toString);
    assertTrue(threads.get(1).startsWith("racket-ws-"), threads::toString);
    assertTrue(threads.get(2).startsWith("racket-handler-"), threads::toString);
  }

  @Test
  void anIdleHandlerThreadIsReusedRatherThanANewOneStarted() throws Exception {
    ProcessEventEmitter e = emitter();
    java.util.Set<String> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
    CountDownLatch got = new CountDownLatch(100);
    e.subscribe("one", event -> { }); // the reader delivers this one's events itself
    e.subscribe("one", event -> {
      threads.add(Thread.currentThread().getName());
      got.countDown();
    });
    // One at a time, so that the handler's thread goes idle between events.
    for (int n = 0; n < 100; n++) e.emit("one", n).get(10, TimeUnit.SECONDS);
    assertTrue(got.await(30, TimeUnit.SECONDS));
    assertTrue(threads.size() < 8, "one subscription used " + threads.size() + " handler threads");
    assertTrue(threads.stream().allMatch(t -> t.startsWith("racket-handler-")), threads::toString);
  }

  @Test
  void aHandlerThatBlocksOnTheReaderLosesTheReadingAndHoldsUpNothingElse() throws Exception {
    try (TcpProxy network = new TcpProxy(relay.port())) {
      ProcessEventEmitter e = emitterThrough(network);
      CountDownLatch release = new CountDownLatch(1);
      List<Long> slow = new CopyOnWriteArrayList<>();
      List<Long> fast = new CopyOnWriteArrayList<>();
      List<String> slowThreads = new CopyOnWriteArrayList<>();
      e.subscribe("tick", ev -> {
        slowThreads.add(Thread.currentThread().getName());
        await(release);
        slow.add(ev.id());
      });
      e.subscribe("tick", ev -> fast.add(ev.id()));
      // The first event alone, so that the reader runs the blocking handler itself.
      e.emit("tick", Map.of("n", 0));
      Await.until(() -> slowThreads.size() == 1, 30, slowThreads::toString);
      assertTrue(slowThreads.get(0).startsWith("racket-ws-"), slowThreads::toString);
      List<CompletableFuture<Long>> acks = new ArrayList<>();
      for (int n = 1; n < 50; n++) acks.add(e.emit("tick", Map.of("n", n)));
      // Another thread reads on: acks arrive and the other subscription gets every event.
      CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new))
          .get(30, TimeUnit.SECONDS);
      Await.until(() -> fast.size() == 50, 30, fast::toString);
      assertTrue(slow.isEmpty(), "the blocking handler is still on its first event");
      release.countDown();
      Await.until(() -> slow.size() == 50, 30, slow::toString);
      assertEquals(fast, slow, "each subscription sees its events in relay order");
      // A handler that kept the reader runs on handler threads from then on.
      e.emit("tick", Map.of("n", 50)).get(10, TimeUnit.SECONDS);
      Await.until(() -> slow.size() == 51, 30, slow::toString);
      assertTrue(slowThreads.get(50).startsWith("racket-handler-"), slowThreads::toString);
      assertEquals(1, network.accepted(), "the reading moved to another thread on one connection");
    }
  }

  @Test
  void aSlowHandlerDoesNotHoldUpOtherSubscriptions() throws Exception {
    ProcessEventEmitter e = emitter();
    CountDownLatch release = new CountDownLatch(1);
    List<Long> slow = new CopyOnWriteArrayList<>();
    List<Long> fast = new CopyOnWriteArrayList<>();
    e.subscribe("tick", ev -> {
      await(release);
      slow.add(ev.id());
    });
    e.subscribe("tick", ev -> fast.add(ev.id()));
    for (int n = 0; n < 50; n++) e.emit("tick", Map.of("n", n));
    Await.until(() -> fast.size() == 50, 30, fast::toString);
    assertTrue(slow.isEmpty(), "the slow handler is still on its first event");
    release.countDown();
    Await.until(() -> slow.size() == 50, 30, slow::toString);
    assertEquals(fast, slow, "each subscription sees its events in relay order");
  }

  @Test
  void aHandlerThatWaitsForTheAckOfItsOwnEmitGetsIt() throws Exception {
    ProcessEventEmitter e = emitter();
    CompletableFuture<Long> reply = new CompletableFuture<>();
    e.subscribe("ping", ev -> {
      try {
        reply.complete(e.emit("pong", Map.of()).get(10, TimeUnit.SECONDS));
      } catch (Exception ex) {
        reply.completeExceptionally(ex);
      }
    });
    e.emit("ping", Map.of()).get(10, TimeUnit.SECONDS);
    assertTrue(reply.get(30, TimeUnit.SECONDS) > 0, "the pong's id");
  }

  @Test
  void anInterruptAHandlerLeavesOnItsThreadDoesNotCloseTheConnection() throws Exception {
    try (TcpProxy network = new TcpProxy(relay.port())) {
      ProcessEventEmitter e = emitterThrough(network);
      List<String> threads = new CopyOnWriteArrayList<>();
      e.subscribe("one", ev -> {
        threads.add(Thread.currentThread().getName());
        Thread.currentThread().interrupt();
      });
      emitOneAtATime(e, "one", 5, threads);
      assertTrue(threads.stream().anyMatch(t -> t.startsWith("racket-ws-")), threads::toString);
      assertEquals(1, network.accepted(), "one connection throughout");
    }
  }

  @Test
  void aFullSubscriptionQueueHoldsTheConnectionsReaderAndNothingIsLost() throws Exception {
    // The queue holds 5 events; the handler takes 20 ms each (its work), the publisher emits 50
    // at once. The reader waits for room instead of dropping: TCP holds the rest at the relay.
    ProcessEventEmitter subscriber = emitter(RacketOptions.builder()
        .url("http://127.0.0.1:" + relay.port()).mode(RacketOptions.Mode.CLIENT).queue(5));
    List<ProcessEvent> got = new CopyOnWriteArrayList<>();
    subscriber.subscribe("tick", ev -> {
      sleep(20);
      got.add(ev);
    });
    subscriber.emit("ready", 1).get(30, TimeUnit.SECONDS); // the subscription is at the relay
    ProcessEventEmitter publisher = emitter();
    List<CompletableFuture<Long>> acks = new ArrayList<>();
    for (int n = 0; n < 50; n++) acks.add(publisher.emit("tick", Map.of("n", n)));
    CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    Await.until(() -> got.size() >= 50, 60, got::toString);
    for (int n = 0; n < 50; n++) {
      assertEquals(n, got.get(n).body(Map.class).get("n"), got::toString);
    }
    assertEquals(50, got.size(), "no resync notice: " + got);
  }

  @Test
  void closeDoesNotHangOnAReaderWaitingForRoom() throws Exception {
    ProcessEventEmitter subscriber = emitter(RacketOptions.builder()
        .url("http://127.0.0.1:" + relay.port()).mode(RacketOptions.Mode.CLIENT).queue(2));
    CountDownLatch release = new CountDownLatch(1);
    // A slow handler (a second per event until released), not a stuck one: it is not cut loose.
    subscriber.subscribe("tick", ev -> {
      try {
        release.await(1, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    subscriber.emit("ready", 1).get(30, TimeUnit.SECONDS);
    ProcessEventEmitter publisher = emitter();
    for (int n = 0; n < 100; n++) publisher.emit("tick", n);
    Await.until(RelayClientTest::aReaderWaitsForRoom, 30, () -> "no reader waits for room");
    CompletableFuture.runAsync(subscriber::close).get(30, TimeUnit.SECONDS);
    release.countDown();
    Await.until(() -> !aReaderWaitsForRoom(), 30, () -> "a reader still waits for room");
  }

  // Whether a thread waits in QueueRoom.await.
  private static boolean aReaderWaitsForRoom() {
    return Thread.getAllStackTraces().values().stream().anyMatch(stack ->
        java.util.Arrays.stream(stack).anyMatch(f -> f.getClassName().endsWith("QueueRoom")
            && f.getMethodName().equals("await")));
  }

  @Test
  void aHandlerThatWaitsForTheAckOfItsOwnEmitWhileItsQueueIsFullDoesNotHoldTheConnectionForGood()
      throws Exception {
    // The ack comes behind events the reader cannot queue until the handler returns: the
    // handler is cut loose after a while, the ack arrives, and the events it missed are counted.
    ProcessEventEmitter e = emitter(RacketOptions.builder()
        .url("http://127.0.0.1:" + relay.port()).mode(RacketOptions.Mode.CLIENT).queue(2));
    List<ProcessEvent> got = new CopyOnWriteArrayList<>();
    List<Long> echoed = new CopyOnWriteArrayList<>();
    e.subscribe("in", ev -> {
      got.add(ev);
      if (ev.isResync()) return;
      try {
        echoed.add(e.emit("out", ev.body()).get(60, TimeUnit.SECONDS));
      } catch (Exception failed) {
        throw new IllegalStateException(failed);
      }
    });
    e.emit("ready", 1).get(30, TimeUnit.SECONDS);
    ProcessEventEmitter publisher = emitter();
    for (int n = 0; n < 200; n++) publisher.emit("in", Map.of("n", n));
    Await.until(() -> handledOrCounted(got) == 200, 90, got::toString);
    assertEquals(got.size() - resyncs(got), echoed.size(), "every handled event's emit was acked");
  }

  private static long resyncs(List<ProcessEvent> got) {
    return got.stream().filter(ProcessEvent::isResync).count();
  }

  // Events handled, plus those a resync notice says were dropped.
  private static long handledOrCounted(List<ProcessEvent> got) {
    long n = 0;
    for (ProcessEvent ev : got) {
      n += ev.isResync() ? ((Number) ev.body(Map.class).get("dropped")).longValue() : 1;
    }
    return n;
  }

  @Test
  void emitsMadeWhileNoRelayListensAreSentInOrderOnceOneDoes() throws Exception {
    int port = relay.port();
    relay.close();
    relay = null;
    ProcessEventEmitter e = emitter(RacketOptions.builder()
        .url("http://127.0.0.1:" + port).mode(RacketOptions.Mode.CLIENT));
    List<Integer> got = new CopyOnWriteArrayList<>();
    e.subscribe("queued", ev -> got.add((Integer) ev.body(Map.class).get("n")));
    List<CompletableFuture<Long>> acks = new ArrayList<>();
    for (int n = 0; n < 20; n++) acks.add(e.emit("queued", Map.of("n", n)));
    assertTrue(acks.stream().noneMatch(CompletableFuture::isDone));

    relay = Relay.start(RelayConfig.builder().port(port).daemonThreads(true).build());
    List<Long> ids = new ArrayList<>();
    for (var ack : acks) ids.add(ack.get(20, TimeUnit.SECONDS));
    assertEquals(ids.stream().sorted().collect(Collectors.toList()), ids, "accepted in emit order");
    Await.until(() -> got.size() == 20, 30, got::toString);
    assertEquals(java.util.stream.IntStream.range(0, 20).boxed().collect(Collectors.toList()), got);
  }

  @Test
  void aBurstFarLargerThanTheRelaysQueueIsAcceptedWithoutTheConnectionBeingClosedAsTooSlow()
      throws Exception {
    // Every emit gets an ack queued at the relay; a client sending without bound would overflow
    // that queue, be disconnected, re-send everything and be disconnected again, forever. A queue
    // smaller than the client's usual window (1024) takes the window the relay's welcome allows.
    relay.close();
    relay = Relay.start(RelayConfig.builder().port(0).daemonThreads(true).queueSize(100)
        .overflow(RelayConfig.Overflow.DISCONNECT).build());
    ProcessEventEmitter e = emitter(RacketOptions.builder().url("http://127.0.0.1:" + relay.port())
        .mode(RacketOptions.Mode.CLIENT).buffer(30_000));
    List<CompletableFuture<Long>> acks = new ArrayList<>();
    for (int n = 0; n < 30_000; n++) acks.add(e.emit("burst", Map.of("n", n)));
    CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new))
        .get(60, TimeUnit.SECONDS);
    long lastId = 0;
    for (var ack : acks) {
      assertTrue(ack.get() > lastId, "accepted in emit order, each once");
      lastId = ack.get();
    }
  }

  @Test
  void eachEmitOfARunGetsTheIdOfItsOwnEventAndARefusedOneSplitsTheRun() throws Exception {
    // The client asks for one ack per run of emits; every future must still get its own event's
    // id, also when the relay refuses an emit in the middle of a frame (ack, nack, ack).
    ProcessEventEmitter publisher = emitter();
    Map<Long, Object> bodies = new java.util.concurrent.ConcurrentHashMap<>();
    // On the same connection: the relay has the filter before the first emit.
    publisher.subscribe("run", event -> bodies.put(event.id(), ((Map<?, ?>) event.body()).get("n")));
    List<CompletableFuture<Long>> acks = new ArrayList<>();
    for (int n = 0; n < 2_000; n++) {
      acks.add(n % 500 == 250 ? publisher.emit(Map.of("type", "bad type", "n", n))
          : publisher.emit("run", Map.of("n", n)));
    }
    long lastId = 0;
    for (int n = 0; n < acks.size(); n++) {
      if (n % 500 == 250) {
        var future = acks.get(n);
        ExecutionException refused = assertThrows(ExecutionException.class,
            () -> future.get(30, TimeUnit.SECONDS));
        assertTrue(refused.getCause().getMessage().contains("refused"), refused.getCause().getMessage());
        continue;
      }
      long id = acks.get(n).get(30, TimeUnit.SECONDS);
      assertTrue(id > lastId, "accepted in emit order, each once");
      lastId = id;
      int expected = n;
      Await.until(() -> bodies.containsKey(id), 30, () -> "event " + id);
      assertEquals(expected, bodies.get(id), "the event with the id emit " + n + " was given");
    }
  }

  @Test
  void afterAnOutageLongerThanTheHistoryASubscriberGetsAResyncThenWhatIsLeft() throws Exception {
    relay.close();
    relay = Relay.start(RelayConfig.builder().port(0).daemonThreads(true).historySize(10).allowHost("127.0.0.1").build());
    try (TcpProxy network = new TcpProxy(relay.port())) {
      ProcessEventEmitter subscriber = emitterThrough(network);
      ProcessEventEmitter emitter = emitter();
      List<ProcessEvent> got = new CopyOnWriteArrayList<>();
      subscriber.subscribe("gap.>", got::add);
      subscriber.emit("gap.first", Map.of()).get(30, TimeUnit.SECONDS);
      Await.until(() -> got.size() == 1, 30, got::toString);

      network.cut();
      List<Long> ids = new ArrayList<>();
      for (int n = 0; n < 30; n++) ids.add(emitter.emit("gap.during", Map.of("n", n)).get(30, TimeUnit.SECONDS));
      network.open();

      // The relay holds the last 10 of the 30: a notice for the 20 it cannot replay, then the 10.
      Await.until(() -> got.size() == 12, 30, got::toString);
      ProcessEvent notice = got.get(1);
      assertTrue(notice.isResync(), got::toString);
      assertEquals("history", notice.body(Map.class).get("reason"));
      assertEquals(ids.subList(20, 30),
          got.subList(2, 12).stream().map(ProcessEvent::id).collect(Collectors.toList()));
    }
  }

  @Test
  void reSendsAfterATakeoverAreSentAgainWhenTheirLinkDropsBeforeTheyArrive() throws Exception {
    int port = org.universis.racket.relay.internal.server.RelayProcess.freePort();
    relay.close();
    relay = Relay.start(RelayConfig.builder().port(port).daemonThreads(true).allowHost("127.0.0.1").build());
    try (TcpProxy network = new TcpProxy(port)) {
      ProcessEventEmitter e = emitterThrough(network);
      for (int n = 0; n < 5; n++) e.emit("takeover.sent", Map.of("n", n)).get(30, TimeUnit.SECONDS);

      // Another relay takes the port over. The emitter re-sends its five acknowledged emits to it
      // (the old relay may have died before delivering them), but that first link loses them.
      network.loseWhatFollowsTheHello(true);
      relay.close();
      relay = Relay.start(RelayConfig.builder().port(port).daemonThreads(true).allowHost("127.0.0.1").build());
      // Counted by a subscriber of the new relay: presence events take ids as well.
      List<ProcessEvent> arrived = new CopyOnWriteArrayList<>();
      ProcessEventEmitter watcher = emitter();
      watcher.subscribe("takeover.*", arrived::add);
      watcher.emit("takeover.watching", Map.of()).get(30, TimeUnit.SECONDS);
      Await.until(() -> arrived.size() == 1, 30, arrived::toString);
      Await.until(() -> network.lostBytes() > 0, 30, () -> "nothing re-sent");
      network.loseWhatFollowsTheHello(false);
      network.cut();
      network.open();

      // Reconnected to the same relay: the re-sends must go again.
      Await.until(() -> arrived.stream().filter(ev -> ev.type().equals("takeover.sent")).count() == 5, 30,
          arrived::toString);
    }
  }

  @Test
  void aRelayWithATokenAcceptsAClientThatCarriesIt() throws Exception {
    relay.close();
    relay = Relay.start(RelayConfig.builder().port(0).daemonThreads(true).token("s3cret").build());
    ProcessEventEmitter e = emitter(RacketOptions.builder().url("http://127.0.0.1:" + relay.port())
        .mode(RacketOptions.Mode.CLIENT).token("s3cret"));
    List<ProcessEvent> got = new CopyOnWriteArrayList<>();
    e.subscribe(got::add);
    e.emit("secret.hello", Map.of()).get(30, TimeUnit.SECONDS);
    Await.until(() -> got.size() == 1, 30, got::toString);
  }

  @Test
  void offModeRefusesWithTheOptionToChange() {
    IllegalStateException off = assertThrows(IllegalStateException.class,
        () -> new ProcessEventEmitter(RacketOptions.builder().mode(RacketOptions.Mode.OFF).build()));
    assertTrue(off.getMessage().contains("mode"), off.getMessage());
  }

  @Test
  void pastTheBufferTryEmitFailsAtOnceNamingTheBufferOption() {
    ProcessEventEmitter e = emitter(RacketOptions.builder()
        .url("http://127.0.0.1:" + freePortAfterClosing()).mode(RacketOptions.Mode.CLIENT).buffer(3));
    for (int n = 0; n < 3; n++) e.tryEmit("held", Map.of("n", n));
    CompletableFuture<Long> refused = e.tryEmit("held", Map.of("n", 3));
    assertTrue(refused.isCompletedExceptionally(), "tryEmit never waits");
    ExecutionException full = assertThrows(ExecutionException.class, refused::get);
    assertInstanceOf(IllegalStateException.class, full.getCause());
    assertTrue(full.getCause().getMessage().contains("buffer"), full.getCause().getMessage());
  }

  @Test
  void anEmitOnAHandlerThreadNeverWaitsForRoom() throws Exception {
    // A handler's emit into a full buffer fails at once instead of waiting: the acks that would
    // make room may have to come through the very reader that waits for this handler.
    ProcessEventEmitter full = emitter(RacketOptions.builder()
        .url("http://127.0.0.1:" + RelayProcess.freePort()).mode(RacketOptions.Mode.CLIENT)
        .buffer(1).emitTimeout(java.time.Duration.ofSeconds(60)));
    full.emit("held", 1);
    ProcessEventEmitter e = emitter();
    CompletableFuture<CompletableFuture<Long>> fromHandler = new CompletableFuture<>();
    e.subscribe("go", ev -> fromHandler.complete(full.emit("held", 2)));
    e.emit("go", 1).get(30, TimeUnit.SECONDS);
    CompletableFuture<Long> refused = fromHandler.get(30, TimeUnit.SECONDS);
    assertTrue(refused.isCompletedExceptionally(), "the handler's emit did not wait");
    ExecutionException why = assertThrows(ExecutionException.class, refused::get);
    assertTrue(why.getCause().getMessage().contains("racket's own thread"), why.getCause().getMessage());
  }

  @Test
  void withNoRelayForLongerThanTheEmitTimeoutAnEmitFailsNamingIt() {
    ProcessEventEmitter e = emitter(RacketOptions.builder()
        .url("http://127.0.0.1:" + freePortAfterClosing()).mode(RacketOptions.Mode.CLIENT)
        .buffer(2).emitTimeout(java.time.Duration.ofSeconds(1)));
    // Held in the buffer, then failed once its emit-timeout passed with no relay to take it.
    ExecutionException held = assertThrows(ExecutionException.class,
        () -> e.emit("held", 1).get(30, TimeUnit.SECONDS));
    assertTrue(held.getCause().getMessage().contains("emit-timeout"), held.getCause().getMessage());
    // With the buffer full, emit waits for room up to the emit-timeout, then fails the same way.
    e.emit("held", 2);
    e.emit("held", 3);
    ExecutionException full = assertThrows(ExecutionException.class,
        () -> e.emit("held", 4).get(30, TimeUnit.SECONDS));
    assertTrue(full.getCause().getMessage().contains("emit-timeout"), full.getCause().getMessage());
  }

  @Test
  void anEmitWaitingForRoomSucceedsWhenARelayComesUpWithinTheEmitTimeout() throws Exception {
    int port = freePortAfterClosing();
    ProcessEventEmitter e = emitter(RacketOptions.builder().url("http://127.0.0.1:" + port)
        .mode(RacketOptions.Mode.CLIENT).buffer(2).emitTimeout(java.time.Duration.ofSeconds(60)));
    List<CompletableFuture<Long>> acks = new CopyOnWriteArrayList<>();
    acks.add(e.emit("held", 1));
    acks.add(e.emit("held", 2));
    CompletableFuture<Void> third = CompletableFuture.runAsync(() -> acks.add(e.emit("held", 3)));
    Await.until(() -> waitsForRoom(), 30, () -> "no emit waits for room in the buffer");
    assertFalse(third.isDone(), "the buffer is full: emit waits");
    relay = Relay.start(RelayConfig.builder().port(port).daemonThreads(true).build());
    third.get(60, TimeUnit.SECONDS);
    for (CompletableFuture<Long> ack : acks) ack.get(60, TimeUnit.SECONDS);
    assertEquals(3, acks.size());
  }

  // Whether a thread waits in Outbox.add for room.
  private static boolean waitsForRoom() {
    return Thread.getAllStackTraces().values().stream().anyMatch(stack ->
        java.util.Arrays.stream(stack).anyMatch(f -> f.getClassName().endsWith("Outbox")
            && f.getMethodName().equals("add")));
  }

  @Test
  void badTypesAndUnencodableBodiesAreRefusedClearly() {
    ProcessEventEmitter e = emitter();
    IllegalArgumentException badType =
        assertThrows(IllegalArgumentException.class, () -> e.emit("not a type!", Map.of()));
    assertTrue(badType.getMessage().contains("not a type!"), badType.getMessage());
    ExecutionException unencodable = assertThrows(ExecutionException.class,
        () -> e.emit("x", new Object()).get(5, TimeUnit.SECONDS));
    assertInstanceOf(IllegalArgumentException.class, unencodable.getCause());
    assertTrue(unencodable.getCause().getMessage().contains("java.lang.Object"),
        unencodable.getCause().getMessage());
    ExecutionException refused = assertThrows(ExecutionException.class,
        () -> e.emit(Map.of("type", "bad type")).get(30, TimeUnit.SECONDS));
    assertTrue(refused.getCause().getMessage().contains("refused"), refused.getCause().getMessage());
  }

  @Test
  void everyClientThreadIsADaemonAndCloseLeavesNoneRunning() throws Exception {
    ProcessEventEmitter e = emitter();
    List<ProcessEvent> got = new CopyOnWriteArrayList<>();
    e.subscribe(got::add);
    e.subscribe(event -> { }); // on a handler thread: the reader runs one subscription per message
    e.emit("x", Map.of()).get(30, TimeUnit.SECONDS);
    Await.until(() -> got.size() == 1, 30, got::toString);
    List<Thread> racket = Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("racket-")).collect(Collectors.toList());
    assertTrue(racket.stream().anyMatch(t -> t.getName().startsWith("racket-handler-")), racket::toString);
    assertTrue(racket.stream().allMatch(Thread::isDaemon), racket::toString);

    e.close();
    Await.until(() -> clientThreads().isEmpty(), 30, () -> clientThreads().toString());
  }

  private static List<String> clientThreads() {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
        .filter(n -> n.matches("racket-(connect|ws|handler)-\\d+")).collect(Collectors.toList());
  }

  private int freePortAfterClosing() {
    int port = relay.port();
    relay.close();
    relay = null;
    return port;
  }
}
