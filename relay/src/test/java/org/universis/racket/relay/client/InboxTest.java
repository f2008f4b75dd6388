package org.universis.racket.relay.client;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.universis.racket.Origin;

/** The handler threads of one emitter, real ones: how busy subscriptions share them. */
class InboxTest {

  @Test
  void busySubscriptionsTakeTurnsOnceEveryHandlerThreadIsTaken() throws Exception {
    int busy = Inbox.MAX_HANDLER_THREADS;
    int events = 8 * LocalSubscription.BATCH;
    Inbox inbox = new Inbox(events, () -> { });
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
      for (long id = 1; id <= events; id++) inbox.deliver(event(id));
      inbox.flush(false);
      queued.countDown();
      int most = mostWhenTheLastBegan.get(90, TimeUnit.SECONDS);
      assertTrue(most <= LocalSubscription.BATCH + 1, "the last subscription got a thread only once"
          + " another had handled " + most + " of its " + events + " events, more than a turn of "
          + LocalSubscription.BATCH);
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
