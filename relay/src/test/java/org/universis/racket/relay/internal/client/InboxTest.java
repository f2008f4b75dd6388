package org.universis.racket.relay.internal.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.universis.racket.Origin;
import org.universis.racket.relay.internal.server.Await;

/** The handler threads of one emitter, real ones: how busy subscriptions share them. */
class InboxTest {

  @Test
  void busySubscriptionsTakeTurnsOnceEveryHandlerThreadIsTaken() throws Exception {
    int busy = Inbox.MAX_HANDLER_THREADS;
    int events = 8 * LocalSubscription.BATCH;
    Inbox inbox = new Inbox(events, 64L << 20, () -> { });
    // Every busy handler holds its thread until the last subscription is queued for one.
    CountDownLatch queued = new CountDownLatch(busy + 1);
    // A busy handler given more than a turn's events waits for the last subscription to begin:
    // with turns taken, the last one was ahead of it in the queue for a thread. Without that wait,
    // a thread that took the last one but lost its core let the others handle everything first.
    CountDownLatch lastBegan = new CountDownLatch(1);
    AtomicIntegerArray handled = new AtomicIntegerArray(busy);
    CompletableFuture<Integer> mostWhenTheLastBegan = new CompletableFuture<>();
    try {
      for (int i = 0; i < busy; i++) {
        int k = i;
        inbox.subscribe("t", e -> {
          int n = handled.incrementAndGet(k);
          if (n == 1) {
            queued.countDown();
            await(queued);
          }
          if (n == LocalSubscription.BATCH + 1) await(lastBegan);
        });
      }
      inbox.subscribe("t", e -> {
        mostWhenTheLastBegan.complete(most(handled));
        lastBegan.countDown();
      });
      for (long id = 1; id <= events; id++) inbox.deliver(event(id), LocalSubscriptionTest.READER);
      inbox.handOver(false);
      queued.countDown();
      int most = mostWhenTheLastBegan.get(90, TimeUnit.SECONDS);
      assertTrue(most <= LocalSubscription.BATCH + 1, "the last subscription got a thread only once"
          + " another had handled " + most + " of its " + events + " events, more than a turn of "
          + LocalSubscription.BATCH);
    } finally {
      inbox.close();
    }
  }

  /** A reader that counts its waits for room and can be told its connection is gone. */
  private static final class TestReader implements Inbox.Reader {
    final AtomicInteger waits = new AtomicInteger();
    volatile boolean gone;

    @Override
    public boolean gone() {
      return gone;
    }

    @Override
    public void waiting() {
      waits.incrementAndGet();
    }
  }

  // Delivers events from..to on a thread of its own, as the connection's reader does, until the
  // Inbox says the reader is gone; the result is the last id delivered.
  private static CompletableFuture<Long> read(Inbox inbox, TestReader reader, long from, long to) {
    return CompletableFuture.supplyAsync(() -> {
      long last = from - 1;
      for (long id = from; id <= to && inbox.deliver(event(id), reader); id++) {
        inbox.handOver(false);
        last = id;
      }
      return last;
    }, runnable -> {
      Thread t = new Thread(runnable, "test-reader");
      t.setDaemon(true);
      t.start();
    });
  }

  @Test
  void aFullQueueHoldsTheReaderUntilTheHandlerMakesRoomAndNothingIsLost() throws Exception {
    Inbox inbox = new Inbox(3, 64L << 20, () -> { });
    CountDownLatch release = new CountDownLatch(1);
    List<String> seen = new CopyOnWriteArrayList<>();
    try {
      inbox.subscribe("t", e -> {
        await(release);
        seen.add(e.isResync() ? "resync" : "e" + e.id());
      });
      TestReader reader = new TestReader();
      CompletableFuture<Long> reading = read(inbox, reader, 1, 20);
      Await.until(() -> reader.waits.get() > 0, 30, () -> "the reader never waited for room");
      assertFalse(reading.isDone(), "the reader waits while the handler is busy");
      release.countDown();
      reading.get(30, TimeUnit.SECONDS);
      Await.until(() -> seen.size() == 20, 30, seen::toString);
      for (int i = 0; i < 20; i++) assertEquals("e" + (i + 1), seen.get(i));
    } finally {
      inbox.close();
    }
  }

  @Test
  void theEmittersByteBoundHoldsTheReaderToo() throws Exception {
    long cost = QueueRoom.cost(event(1));
    Inbox inbox = new Inbox(1_000, 4 * cost, () -> { });
    CountDownLatch release = new CountDownLatch(1);
    List<Long> seen = new CopyOnWriteArrayList<>();
    try {
      inbox.subscribe("t", e -> {
        await(release);
        seen.add(e.id());
      });
      TestReader reader = new TestReader();
      CompletableFuture<Long> reading = read(inbox, reader, 1, 50);
      Await.until(() -> reader.waits.get() > 0, 30, () -> "the reader never waited for room");
      assertFalse(reading.isDone());
      release.countDown();
      reading.get(30, TimeUnit.SECONDS);
      Await.until(() -> seen.size() == 50, 30, seen::toString);
    } finally {
      inbox.close();
    }
  }

  @Test
  void aReaderWaitingForRoomStopsWhenItsConnectionGoesAndTheEventIsLeftForTheNext()
      throws Exception {
    Inbox inbox = new Inbox(2, 64L << 20, () -> { });
    CountDownLatch release = new CountDownLatch(1);
    List<Long> seen = new CopyOnWriteArrayList<>();
    try {
      inbox.subscribe("t", e -> {
        await(release);
        seen.add(e.id());
      });
      TestReader old = new TestReader();
      CompletableFuture<Long> reading = read(inbox, old, 1, 10);
      Await.until(() -> old.waits.get() > 0, 30, () -> "the reader never waited for room");
      old.gone = true;
      inbox.wakeReader();
      long last = reading.get(30, TimeUnit.SECONDS);
      assertTrue(last < 10, "the reader stopped at the event it waited room for");
      assertEquals(last, inbox.resumeId(), "the next connection resumes after the last delivered");
      release.countDown();
      Await.until(() -> seen.size() >= 2, 30, seen::toString);
      // The next connection resumes after the last event delivered: the one the old reader held
      // is not taken for a duplicate.
      long next = seen.size() + 1;
      read(inbox, new TestReader(), next, 10).get(30, TimeUnit.SECONDS);
      Await.until(() -> seen.size() == 10, 30, seen::toString);
      for (int i = 0; i < 10; i++) assertEquals(i + 1, seen.get(i));
    } finally {
      inbox.close();
    }
  }

  @Test
  void aHandlerThatHandlesNothingWhileTheReaderWaitsIsCutLooseAndTheOthersGoOn() throws Exception {
    // Its handler waits for something only the reader could bring (an ack of its own emit, say):
    // without being cut loose, neither would ever move again.
    Inbox inbox = new Inbox(3, 64L << 20, () -> { });
    CountDownLatch release = new CountDownLatch(1);
    List<String> stuck = new CopyOnWriteArrayList<>();
    List<Long> other = new CopyOnWriteArrayList<>();
    try {
      inbox.subscribe("t", e -> {
        await(release);
        stuck.add(e.isResync() ? "resync " + e.body(java.util.Map.class).get("dropped") : "e" + e.id());
      });
      inbox.subscribe("t", e -> other.add(e.id()));
      TestReader reader = new TestReader();
      read(inbox, reader, 1, 20).get(60, TimeUnit.SECONDS);
      Await.until(() -> other.size() == 20, 30, other::toString);
      release.countDown();
      Await.until(() -> stuck.size() >= 2 && stuck.get(stuck.size() - 1).startsWith("resync"), 30,
          stuck::toString);
      assertEquals("e1", stuck.get(0), stuck::toString);
      int handled = stuck.size() - 1;
      assertEquals("resync " + (20 - handled), stuck.get(handled), "every event not handled is"
          + " counted in the notice: " + stuck);
    } finally {
      inbox.close();
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(30, TimeUnit.SECONDS)) throw new IllegalStateException("never released");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static int most(AtomicIntegerArray counts) {
    int most = 0;
    for (int i = 0; i < counts.length(); i++) most = Math.max(most, counts.get(i));
    return most;
  }

  private static ReceivedEvent event(long id) {
    byte[] envelope = ("{\"id\":" + id + ",\"body\":1}").getBytes(StandardCharsets.UTF_8);
    return new ReceivedEvent(envelope, id, "t", 0, new Origin("o", 1, null, null), id,
        envelope.length - 2, envelope.length - 1);
  }
}
