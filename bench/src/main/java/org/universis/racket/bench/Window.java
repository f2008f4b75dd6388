package org.universis.racket.bench;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Bounds the sends a publisher has in flight, so "as fast as the client allows" never means an
 * unbounded pile of futures; and keeps the first failure, which {@link #drain()} reports. In a
 * burst ({@link #forPhase}) it bounds nothing: it counts the sends and their failures, and
 * {@link #drain()} waits for every answer without throwing (the failures are the result).
 *
 * <p>One thread sends (the one that created the window); completions come from any. A completion
 * is one atomic add, with no compare-and-set loop: a {@code Semaphore}'s retry when two threads
 * meet is a branch that C2 rarely sees taken and compiles as a trap, and the first such meeting at
 * 10,000 events/s would send a racket publisher's compiled ack path, into which the completion is
 * inlined, back to the interpreter.
 */
final class Window {

  private static final long PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
  /** How long a burst's answers may take to arrive, all of them. */
  private static final int BURST_DRAIN_SECONDS = 300;

  private final int size;
  private final boolean burst;
  private final AtomicLong failed = new AtomicLong();
  private final Thread sender = Thread.currentThread();
  private final AtomicLong done = new AtomicLong();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private volatile boolean waiting; // the sender is parked until a completion
  private long sent; // the sender's

  private Window(int size, boolean burst) {
    this.size = size;
    this.burst = burst;
  }

  /** A window of {@code size}, or for a burst one that never waits. */
  static Window forPhase(Scenario.Phase phase, int size) {
    return phase == Scenario.Phase.BURST ? new Window(Integer.MAX_VALUE, true) : new Window(size, false);
  }

  void acquire() throws InterruptedException {
    if (sent - done.get() >= size) await(sent - size + 1, 30, "no send completed within 30 s; "
        + size + " in flight");
    sent++;
  }

  /** Call from the send's completion, whatever its outcome. */
  void release(Throwable error) {
    if (error != null) {
      failure.compareAndSet(null, error);
      failed.incrementAndGet();
    }
    done.incrementAndGet();
    if (waiting) LockSupport.unpark(sender);
  }

  /** Sends that failed so far. */
  long failed() {
    return failed.get();
  }

  void drain() throws InterruptedException {
    await(sent, burst ? BURST_DRAIN_SECONDS : 60, "sends still in flight after " + (burst ? BURST_DRAIN_SECONDS : 60) + " s");
    if (burst) return;
    Throwable e = failure.get();
    if (e != null) throw new IllegalStateException("a send failed: " + e, e);
  }

  // Parks until `target` sends have completed; the timeout of each park covers a wake-up lost
  // between the sender's look and its park.
  private void await(long target, int seconds, String timeout) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    waiting = true;
    try {
      while (done.get() < target) {
        if (Thread.interrupted()) throw new InterruptedException();
        if (System.nanoTime() - deadline > 0) throw new IllegalStateException(timeout);
        LockSupport.parkNanos(this, PARK_NANOS);
      }
    } finally {
      waiting = false;
    }
  }
}
