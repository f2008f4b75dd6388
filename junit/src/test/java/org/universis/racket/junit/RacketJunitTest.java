package org.universis.racket.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.universis.racket.ProcessEvent;
import org.universis.racket.ProcessEventEmitter;

/** A suite written with racket-junit alone: one relay for the class, emitters and a recorder injected. */
@RacketTest
class RacketJunitTest {

  @Test
  void awaitReturnsTheEventAnotherEmitterSent(ProcessEventEmitter emitter, RacketEvents events) {
    emitter.emit("job.done", Map.of("job", 7));
    ProcessEvent done = events.await("job.done", Duration.ofSeconds(5));
    assertEquals(Map.of("job", 7), done.body());
  }

  @Test
  void eachAwaitReturnsTheNextMatchingEventAndWildcardsFilter(ProcessEventEmitter emitter, RacketEvents events) {
    for (String type : List.of("job.1.done", "job.1.failed", "cache.users", "job.2.done")) {
      emitter.emit(type, Map.of());
    }
    assertEquals("job.1.done", events.await("job.*.done").type());
    assertEquals("job.2.done", events.await("job.*.done").type());
    assertEquals("cache.users", events.await("cache.>").type());
    assertEquals("job.1.failed", events.await("job.1.failed,config.reloaded").type());
  }

  @Test
  void anEmittersSubscriptionGetsOnlyWhatItsFilterMatches(ProcessEventEmitter sender,
      ProcessEventEmitter receiver, RacketEvents events) throws InterruptedException {
    BlockingQueue<String> got = new LinkedBlockingQueue<>();
    receiver.subscribe("order.*", e -> got.add(e.type()));
    // The receiver's subscription is in place once an event of its own came through it.
    receiver.emit("order.probe", Map.of());
    assertEquals("order.probe", got.poll(5, TimeUnit.SECONDS));
    for (String type : List.of("order.placed", "order.placed.eu", "invoice.sent", "order.paid")) {
      sender.emit(type, Map.of());
    }
    events.assertOrder("order.placed", "order.placed.eu", "invoice.sent", "order.paid");
    assertEquals("order.placed", got.poll(5, TimeUnit.SECONDS));
    assertEquals("order.paid", got.poll(5, TimeUnit.SECONDS));
    assertEquals(List.of(), List.copyOf(got), "the receiver got nothing its filter does not match");
  }

  @Test
  void assertOrderPassesForTheRelaysOrderAndNamesBothOrdersOtherwise(ProcessEventEmitter emitter,
      RacketEvents events) {
    for (String type : List.of("step.one", "noise", "step.two", "step.three")) emitter.emit(type, Map.of());
    events.assertOrder("step.one", "step.two", "step.three");

    AssertionError wrong = assertThrows(AssertionError.class,
        () -> events.assertOrder("step.two", "step.one", "step.three"));
    assertTrue(wrong.getMessage().contains("expected events in the order [step.two, step.one, step.three]"
        + " but got [step.one, step.two, step.three]"), wrong.getMessage());
  }

  @Test
  void aFailingAwaitNamesWhatItWaitedForAndWhatItSaw(ProcessEventEmitter emitter, RacketEvents events) {
    emitter.emit("job.started", Map.of());
    emitter.emit("job.progress", Map.of());
    events.await("job.progress");

    long start = System.nanoTime();
    AssertionError e = assertThrows(AssertionError.class,
        () -> events.await("job.done", Duration.ofMillis(300)));
    long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertTrue(waited >= 300 && waited < 5_000, "waited " + waited + " ms");
    String message = e.getMessage();
    assertTrue(message.startsWith("no event matching 'job.done' within 300 ms; saw 2 events: [job.started #"),
        message);
    assertTrue(message.contains("job.progress #") && message.contains("(returned by an earlier await)"), message);
  }

  @Test
  void anAwaitOnAQuietRelaySaysItSawNothing(RacketEvents events) {
    AssertionError e = assertThrows(AssertionError.class, () -> events.await("config.reloaded", Duration.ofMillis(50)));
    assertEquals("no event matching 'config.reloaded' within 50 ms; saw no event", e.getMessage());
  }

  @Test
  void theRelayIsOnLoopbackAndTheRecorderLeavesOutItsReadinessEvent(TestRelay relay, RacketEvents first,
      RacketEvents second) {
    assertTrue(relay.url().startsWith("http://127.0.0.1:") && relay.port() > 0, relay.url());
    assertNotNull(second);
    assertEquals(List.of(), first.types(), "a recorder records no racket-junit.ready event");
  }
}
