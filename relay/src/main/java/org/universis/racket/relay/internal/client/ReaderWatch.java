package org.universis.racket.relay.internal.client;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Watches the handler runs a connection's reader makes itself, and gives the reading to another
 * thread when one keeps it. The reader brings every subscription's events and every ack, and a
 * handler may wait for one of them (the ack of its own emit, the answer to another process): a run
 * that has lasted {@link #TAKE_OVER_NANOS} loses the reading, and its thread, once the handler
 * returns, reads no further.
 *
 * <p>The watch looks every {@link #LOOK_MILLIS} while a handler runs on the reader and stops at
 * the first look that finds none: an idle connection wakes nobody.
 */
final class ReaderWatch {

  static final long TAKE_OVER_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
  private static final long LOOK_MILLIS = 25;
  private static final long READING = Long.MIN_VALUE; // no handler runs on the reader

  // When the handler now running on the reader began, or READING: a run's start is its token.
  private final AtomicLong runBegan = new AtomicLong(READING);
  private final AtomicBoolean looking = new AtomicBoolean();
  private final ScheduledExecutorService timer;
  private final Runnable readOn;

  /**
   * @param timer where the looks run
   * @param readOn starts another thread reading: the watch took the reading from the current one
   */
  ReaderWatch(ScheduledExecutorService timer, Runnable readOn) {
    this.timer = timer;
    this.readOn = readOn;
  }

  /** The reader is about to run a handler; returns the run's token for {@link #end}. */
  long begin() {
    long began = System.nanoTime();
    runBegan.set(began);
    if (!looking.get() && looking.compareAndSet(false, true)) lookLater();
    return began;
  }

  /** The handler returned: whether its thread still reads (else another thread reads on). */
  boolean end(long began) {
    return runBegan.compareAndSet(began, READING);
  }

  private void look() {
    long began = runBegan.get();
    if (began != READING && System.nanoTime() - began >= TAKE_OVER_NANOS
        && runBegan.compareAndSet(began, READING)) {
      readOn.run();
      began = READING;
    }
    if (began != READING) {
      lookLater();
      return;
    }
    looking.set(false);
    // A run that began after the first read may have found `looking` still set: look for it.
    if (runBegan.get() != READING && looking.compareAndSet(false, true)) lookLater();
  }

  private void lookLater() {
    try {
      timer.schedule(this::look, LOOK_MILLIS, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // the emitter is closing: its connection goes too
    }
  }
}
