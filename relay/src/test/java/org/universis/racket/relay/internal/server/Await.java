package org.universis.racket.relay.internal.server;

import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** Waits for a condition with a deadline, polling: never a fixed sleep as synchronisation. */
public final class Await {

  /** A condition that may do I/O (ask the relay's metrics, say) to find out. */
  public interface Condition {
    boolean holds() throws Exception;
  }

  private Await() {}

  public static void until(Condition condition, long timeoutSeconds, String what) throws Exception {
    until(condition, timeoutSeconds, () -> what);
  }

  /** {@code what} is asked only on failure, so it may describe the state then. */
  public static void until(Condition condition, long timeoutSeconds, Supplier<String> what) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    while (!condition.holds()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + timeoutSeconds + " s: " + what.get());
      }
      TimeUnit.MILLISECONDS.sleep(20); // polling interval, not synchronisation: the condition decides
    }
  }
}
