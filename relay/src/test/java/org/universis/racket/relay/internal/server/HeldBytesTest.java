package org.universis.racket.relay.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The total that connections share: a growth past it is refused, and only such a growth. */
class HeldBytesTest {

  @Test
  void aGrowthPastTheMaxIsRefusedAndChangesNothing() {
    HeldBytes held = new HeldBytes(100);
    HeldBytes.Account a = held.account();
    HeldBytes.Account b = held.account();
    assertTrue(a.resize(60));
    assertFalse(b.resize(41));
    assertTrue(b.resize(40), "the refused growth left nothing behind");
    assertFalse(a.resize(61));
    assertTrue(a.resize(10));
    assertEquals(90, b.resizeUpTo(1000), "as much as the max leaves");
    assertEquals(20, b.resizeUpTo(20), "a share shrinks as asked");
    a.close();
    assertFalse(a.resize(1), "a closed account does not grow");
    assertEquals(100, b.resizeUpTo(1000), "the closed account's share came back");
  }

  /**
   * A growth that fits is never refused because another account's growth that does not fit is
   * being tried at the same moment: the total is never seen past the max.
   */
  @Test
  void aGrowthThatFitsIsNeverRefusedWhileAnotherThatDoesNotIsTried() throws Exception {
    HeldBytes held = new HeldBytes(100);
    assertTrue(held.account().resize(60));
    HeldBytes.Account greedy = held.account();
    HeldBytes.Account fitting = held.account();
    AtomicBoolean done = new AtomicBoolean();
    CountDownLatch started = new CountDownLatch(1);
    Thread tryingTooMuch = new Thread(() -> {
      started.countDown();
      while (!done.get()) greedy.resize(50); // 60 + 50 > 100: always refused
    });
    tryingTooMuch.start();
    started.await();
    long refusedWrongly = 0;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    try {
      for (int i = 0; i < 20_000_000 && refusedWrongly == 0 && System.nanoTime() < deadline; i++) {
        if (!fitting.resize(40)) refusedWrongly++; // 60 + 40 fits
        fitting.resize(0);
      }
    } finally {
      done.set(true);
      tryingTooMuch.join(5_000);
    }
    assertEquals(0, refusedWrongly, "a growth that fits was refused");
    assertFalse(greedy.resize(50));
  }
}
