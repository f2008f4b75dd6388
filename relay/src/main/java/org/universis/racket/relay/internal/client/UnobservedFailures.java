package org.universis.racket.relay.internal.client;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.universis.racket.relay.internal.Log;

/**
 * Emits whose future failed while nothing watched it (no callback attached, no thread in {@code
 * join} or {@code get}): a fire-and-forget emit that fails would otherwise go unseen. They are
 * counted by reason and logged as counts, at most one line per reason every {@value #EVERY_MILLIS}
 * ms; never a body. A future looked at only after it failed counts too: what watches it is known
 * only at the moment it fails.
 */
final class UnobservedFailures {

  static final long EVERY_MILLIS = 5_000;

  private final String relayUrl;
  private final Map<String, Tally> tallies = new LinkedHashMap<>(); // guarded by this

  private static final class Tally {
    long count;
    long reportedNanos;
    boolean reported;
  }

  UnobservedFailures(String relayUrl) {
    this.relayUrl = relayUrl;
  }

  /** Fails {@code future} with {@code error}; counts it under {@code reason} if nothing watches it. */
  void fail(CompletableFuture<?> future, String reason, Throwable error) {
    boolean watched = future.getNumberOfDependents() > 0;
    if (future.completeExceptionally(error) && !watched) count(reason);
  }

  synchronized void count(String reason) {
    tallies.computeIfAbsent(reason, r -> new Tally()).count++;
  }

  /**
   * Logs the counts not yet logged, one line per reason; a reason logged less than {@value
   * #EVERY_MILLIS} ms ago waits, unless {@code now} (the emitter is closing, the JVM exiting).
   */
  void report(boolean now) {
    List<String> lines = new ArrayList<>();
    long time = System.nanoTime();
    synchronized (this) {
      for (Map.Entry<String, Tally> e : tallies.entrySet()) {
        Tally t = e.getValue();
        if (t.count == 0) continue;
        if (!now && t.reported && time - t.reportedNanos < TimeUnit.MILLISECONDS.toNanos(EVERY_MILLIS)) {
          continue;
        }
        lines.add(t.count + (t.count == 1 ? " emit" : " emits") + " to " + relayUrl
            + " failed with no callback or waiter on its future: " + e.getKey());
        t.count = 0;
        t.reported = true;
        t.reportedNanos = time;
      }
    }
    for (String line : lines) Log.warn(line);
  }
}
