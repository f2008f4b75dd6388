package org.universis.racket.relay.internal.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.universis.racket.ProcessEventEmitter;
import org.universis.racket.RacketOptions;
import org.universis.racket.relay.internal.server.Await;
import org.universis.racket.relay.internal.server.RelayProcess;

/**
 * Nothing lost under load at the defaults of the emitter: a relay process, a subscriber JVM
 * ({@link CountingSubscriberChild}) with a small heap, and this JVM emitting in a tight loop that
 * never waits for an ack.
 *
 * <p>The relay's per-subscriber queue is set large enough to hold the backlog: a subscriber that
 * falls behind slows its own link, and the relay's bound (drop-oldest, then a resync) is the only
 * place left where events may go; these tests are about the client never dropping on its own.
 */
class LosslessIT {

  private static final List<String> RELAY_JVM = List.of("-XX:TieredStopAtLevel=1", "-Xmx1g");
  private static final String[] BIG_RELAY_QUEUE = {"--queue-size", "1100000", "--queue-bytes", "600m"};
  private static final Pattern DONE =
      Pattern.compile("DONE handled=(\\d+) outOfOrder=(\\d+) resyncs=(\\d+) heapMaxMiB=(\\d+)");

  @Test
  void aMillionEventBurstToASubscriberFiveTimesSlowerThanTheEmitterLosesNothing() throws Exception {
    int events = 1_000_000;
    // The handler spins 20 µs per event, about 5x the time this JVM takes to emit one. The
    // subscriber's local queues may hold 8 MiB (about 30,000 of these events) in a 64 MiB heap
    // that an out-of-memory error ends: far less than the backlog, which must stay at the relay,
    // pushed back by TCP.
    try (RelayProcess relay = RelayProcess.start(RELAY_JVM, BIG_RELAY_QUEUE);
        ChildJvm subscriber = subscriber(relay, "8m", 20_000)) {
      long began = System.nanoTime();
      Emitted emitted = emitInATightLoop(relay, events);
      long emitNanos = System.nanoTime() - began;
      subscriber.send("count");
      long handledWhenEmitted = Long.parseLong(
          subscriber.await(l -> l.startsWith("COUNT "), 60, "COUNT").substring(6));
      assertEquals(0, emitted.failed, "failed emits: " + emitted.firstFailure);
      assertTrue(handledWhenEmitted < events - 100_000, "the subscriber had handled "
          + handledWhenEmitted + " when the last emit was accepted: it did not fall behind");
      awaitHandled(subscriber, events, 600);
      long handleNanos = System.nanoTime() - began;
      String[] done = quit(subscriber);
      assertEquals(String.valueOf(events), done[0], "events handled");
      assertEquals("0", done[1], "events out of order or twice");
      assertEquals("0", done[2], "resync notices");
      assertEquals(0, droppedAtTheRelay(relay), "events dropped by the relay");
      System.out.printf("LosslessIT: %,d events emitted in %.1f s, handled in %.1f s (%.1fx);"
          + " the subscriber's heap: %s MiB%n", events, emitNanos / 1e9, handleNanos / 1e9,
          (double) handleNanos / emitNanos, done[3]);
    }
  }

  @Test
  void aTightLoopOf300000EmitsNeverFailsAndEveryOneIsDelivered() throws Exception {
    int events = 300_000;
    try (RelayProcess relay = RelayProcess.start(RELAY_JVM, BIG_RELAY_QUEUE);
        ChildJvm subscriber = subscriber(relay, "64m", 0)) {
      Emitted emitted = emitInATightLoop(relay, events);
      assertEquals(0, emitted.failed, "failed emits: " + emitted.firstFailure);
      awaitHandled(subscriber, events, 300);
      String[] done = quit(subscriber);
      assertEquals(String.valueOf(events), done[0], "events handled");
      assertEquals("0", done[1], "events out of order or twice");
      assertEquals("0", done[2], "resync notices");
    }
  }

  private static ChildJvm subscriber(RelayProcess relay, String queueBytes, long spinNanos)
      throws Exception {
    ChildJvm child = ChildJvm.start("subscriber", System.getProperty("java.class.path"),
        List.of("-Xmx64m", "-XX:+ExitOnOutOfMemoryError", "-Dracket.mode=client",
            "-Dracket.queue=1000000", "-Dracket.queue-bytes=" + queueBytes),
        CountingSubscriberChild.class.getName(), "http://127.0.0.1:" + relay.port(),
        String.valueOf(spinNanos));
    child.send("ready");
    child.await("READY"::equals, 60, "READY");
    return child;
  }

  private record Emitted(long failed, Throwable firstFailure) {}

  // Emits events 1..n as fast as emit returns, never waiting for an ack; then waits for them all.
  private static Emitted emitInATightLoop(RelayProcess relay, int n) throws Exception {
    AtomicLong done = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    AtomicReference<Throwable> first = new AtomicReference<>();
    try (ProcessEventEmitter emitter = new ProcessEventEmitter(RacketOptions.builder()
        .url("http://127.0.0.1:" + relay.port()).mode(RacketOptions.Mode.CLIENT).build())) {
      for (int i = 1; i <= n; i++) {
        emitter.emit("burst.event", i).whenComplete((id, e) -> {
          if (e != null) {
            failed.incrementAndGet();
            first.compareAndSet(null, e);
          }
          done.incrementAndGet();
        });
      }
      Await.until(() -> done.get() == n, 300, () -> done.get() + " of " + n + " emits settled");
    }
    return new Emitted(failed.get(), first.get());
  }

  private static void awaitHandled(ChildJvm subscriber, long n, long seconds) throws Exception {
    subscriber.send("await " + n);
    subscriber.await(("HANDLED " + n)::equals, seconds, n + " events handled");
  }

  private static String[] quit(ChildJvm subscriber) throws Exception {
    subscriber.send("quit");
    Matcher m = DONE.matcher(subscriber.await(l -> DONE.matcher(l).matches(), 60, "DONE"));
    assertTrue(m.matches());
    return new String[] {m.group(1), m.group(2), m.group(3), m.group(4)};
  }

  private static long droppedAtTheRelay(RelayProcess relay) throws IOException {
    try (InputStream in = URI.create("http://127.0.0.1:" + relay.port() + "/metrics").toURL()
        .openStream()) {
      String metrics = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      Matcher m = Pattern.compile("(?m)^racket_events_dropped_total (\\d+)").matcher(metrics);
      assertTrue(m.find(), metrics);
      return Long.parseLong(m.group(1));
    }
  }
}
