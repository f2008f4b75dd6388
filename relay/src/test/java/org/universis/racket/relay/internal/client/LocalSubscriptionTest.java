package org.universis.racket.relay.internal.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.universis.racket.Origin;
import org.universis.racket.ProcessEvent;
import org.universis.racket.spi.TypeFilter;

/**
 * The hand-over from the connection's reader to a subscription's handler, step by step: the
 * handler runs only when the test runs the tasks the subscription gave its executor.
 */
class LocalSubscriptionTest {

  private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
  private final List<String> seen = new ArrayList<>();
  private boolean othersWaiting;

  private LocalSubscription subscription(int capacity, Consumer<ProcessEvent> also) {
    return subscription(capacity, new QueueRoom(64L << 20), also);
  }

  private LocalSubscription subscription(int capacity, QueueRoom room, Consumer<ProcessEvent> also) {
    return new LocalSubscription(">", TypeFilter.ALL, e -> {
      seen.add(e.isResync() ? "resync " + notice(e) : "e" + e.id());
      also.accept(e);
    }, capacity, room, tasks::add, () -> othersWaiting, s -> { });
  }

  /** A reader that never goes away. */
  static final Inbox.Reader READER = new Inbox.Reader() {
    @Override
    public boolean gone() {
      return false;
    }

    @Override
    public void waiting() {}
  };

  private static String notice(ProcessEvent e) {
    Map<?, ?> body = e.body(Map.class);
    return body.get("dropped") + ":" + body.get("from") + "-" + body.get("to");
  }

  private static ReceivedEvent event(long id) {
    return event(id, 0);
  }

  private static ReceivedEvent event(long id, int padding) {
    byte[] envelope = ("{\"id\":" + id + ",\"pad\":\"" + "x".repeat(padding) + "\",\"body\":1}")
        .getBytes(StandardCharsets.UTF_8);
    return new ReceivedEvent(envelope, id, "t", 0, new Origin("o", 1, null, null), id,
        envelope.length - 2, envelope.length - 1);
  }

  private void message(LocalSubscription s, long... ids) {
    s.begin();
    for (long id : ids) s.offer(event(id));
    s.handOver(false);
  }

  private void runTasks() {
    for (Runnable t; (t = tasks.poll()) != null; ) t.run();
  }

  @Test
  void eventsOfAMessageReachTheHandlerInOrderWithOneTaskPerMessage() {
    LocalSubscription s = subscription(100, e -> { });
    message(s, 1, 2, 3);
    assertEquals(1, tasks.size(), "one wake-up for the message");
    message(s, 4);
    assertEquals(1, tasks.size(), "already scheduled");
    runTasks();
    assertEquals(List.of("e1", "e2", "e3", "e4"), seen);
  }

  @Test
  void aFullQueueTakesNoMoreUntilTheHandlerMakesRoom() {
    LocalSubscription s = subscription(3, e -> { });
    message(s, 1, 2, 3);
    s.begin();
    assertFalse(s.fits(event(4), 1), "full: the reader must wait");
    s.handOver(false);
    runTasks();
    s.begin();
    assertTrue(s.fits(event(4), 1), "handled: room again");
  }

  @Test
  void aMessageOfManyEventsIntoAnEmptyQueueTakesOnlyItsCapacity() {
    LocalSubscription s = subscription(3, e -> { });
    s.begin();
    int taken = 0;
    for (long id = 1; id <= 10 && s.fits(event(id), 1); id++) {
      s.offer(event(id));
      taken++;
    }
    assertEquals(3, taken);
  }

  @Test
  void eventsTheHandlerHasTakenButNotHandledStillTakeRoom() {
    // The handler takes events a chunk at a time; until it has handled them they must still take
    // room, or a stuck handler would hold its queue's size and a chunk more.
    boolean[] fitWhileHandling = {true};
    LocalSubscription[] s = new LocalSubscription[1];
    s[0] = subscription(3, e -> {
      if (e.id() == 1) {
        s[0].begin();
        fitWhileHandling[0] = s[0].fits(event(4), 1);
        s[0].handOver(false);
      }
    });
    message(s[0], 1, 2, 3);
    runTasks();
    assertFalse(fitWhileHandling[0]);
    assertEquals(List.of("e1", "e2", "e3"), seen);
  }

  @Test
  void theEmittersByteBoundIsSharedByItsSubscriptions() {
    long cost = QueueRoom.cost(event(1));
    QueueRoom room = new QueueRoom(3 * cost);
    LocalSubscription a = subscription(100, room, e -> { });
    LocalSubscription b = subscription(100, room, e -> { });
    message(a, 1, 2, 3);
    b.begin();
    assertFalse(b.fits(event(3), 1), "b has an empty queue, but a holds the emitter's bytes");
    b.handOver(false);
    runTasks();
    assertEquals(0, room.queued(), "handled events give their bytes back");
    b.begin();
    assertTrue(b.fits(event(3), 1));
  }

  @Test
  void theByteBoundTakesEventsUntilTheirCostsFillItExactly() {
    // An event costs QueueRoom.cost(), its bytes and overhead together, and nothing more.
    long cost = QueueRoom.cost(event(1));
    QueueRoom room = new QueueRoom(3 * cost);
    LocalSubscription s = subscription(100, room, e -> { });
    s.begin();
    int taken = 0;
    for (long id = 1; id <= 10 && s.fits(event(id), 1); id++) {
      s.offer(event(id));
      taken++;
    }
    assertEquals(3, taken, "three events' costs fill the bound");
    s.handOver(false);
    LocalSubscription other = subscription(100, room, e -> { });
    assertFalse(other.hasRoom(event(4), 1), "the bound is full");
    runTasks();
    message(s, 4, 5);
    assertTrue(other.hasRoom(event(6), 1), "the third cost fits beside two");
    other.begin();
    assertTrue(other.fits(event(6), 1));
  }

  @Test
  void anEventLargerThanTheWholeByteBoundStillGoesThroughAnEmptyQueue() {
    QueueRoom room = new QueueRoom(1024);
    LocalSubscription s = subscription(100, room, e -> { });
    s.begin();
    assertTrue(s.fits(event(1, 4096), 1));
  }

  @Test
  void anErrorOutOfAHandlerLosesNoneOfTheEventsAfterIt() {
    boolean[] thrown = {false};
    LocalSubscription s = subscription(100, e -> {
      if (e.id() == 2 && !thrown[0]) {
        thrown[0] = true;
        throw new StackOverflowError("on purpose");
      }
    });
    message(s, 1, 2, 3, 4, 5);
    org.junit.jupiter.api.Assertions.assertThrows(StackOverflowError.class, () -> tasks.poll().run());
    runTasks();
    assertEquals(List.of("e1", "e2", "e3", "e4", "e5"), seen);
    message(s, 6);
    runTasks();
    assertEquals("e6", seen.get(5), "the bound was given back: later events still come");
  }

  @Test
  void aBusyHandlerGivesItsThreadBackAfterATurnWhenAnotherSubscriptionWaitsAndGoesOn() {
    othersWaiting = true;
    LocalSubscription s = subscription(10_000, e -> { });
    message(s, ids(1000));
    tasks.poll().run();
    assertEquals(LocalSubscription.BATCH, seen.size(), "one turn handles a batch");
    assertEquals(1, tasks.size(), "and queues the rest as a new task");
    runTasks();
    assertEquals(1000, seen.size());
    assertEquals("e1000", seen.get(999));
  }

  @Test
  void aBusyHandlerKeepsItsThreadWhileNoOtherSubscriptionWaits() {
    LocalSubscription s = subscription(10_000, e -> { });
    message(s, ids(1000));
    tasks.poll().run();
    assertEquals(1000, seen.size(), "one turn handles them all");
    assertEquals(0, tasks.size());
  }

  private static long[] ids(int n) {
    long[] ids = new long[n];
    for (int i = 0; i < n; i++) ids[i] = i + 1;
    return ids;
  }
}
