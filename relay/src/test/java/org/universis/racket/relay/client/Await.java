package org.universis.racket.relay.client;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a condition with a deadline, polling: never a fixed sleep as synchronisation. */
final class Await {

  private Await() {}

  static void until(BooleanSupplier condition, long timeoutSeconds, Supplier<String> what)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + timeoutSeconds + " s: " + what.get());
      }
      Thread.sleep(10); // polling interval, not synchronisation: the condition decides
    }
  }
}
