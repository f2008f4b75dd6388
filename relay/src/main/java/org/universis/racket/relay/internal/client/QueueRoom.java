package org.universis.racket.relay.internal.client;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes queued for all of one emitter's subscriptions, against the {@code queue-bytes}
 * bound, and the monitor on which the connection's reader waits for room: a handler that hands
 * room back wakes it. An event that several subscriptions take counts once for each.
 *
 * <p>The reader adds what it gathers while it reads a message ({@link #gather}), and hands it
 * over at the message's end ({@link #commit}); handlers give it back a chunk at a time
 * ({@link #release}). Lock order: this monitor, then a subscription's.
 */
final class QueueRoom {

  /** What one queued event costs beside its envelope: the object, its array's header, a slot. */
  static final int EVENT_OVERHEAD = 96;
  /** A handler that handled nothing for this long while the reader waited is cut loose. */
  static final long STUCK_NANOS = TimeUnit.SECONDS.toNanos(5);
  // The waiting reader looks at the connection and the handlers this often.
  private static final long LOOK_MILLIS = 50;

  private final long max;
  private final AtomicLong queued = new AtomicLong();
  private long arriving; // the reader's (under the Inbox's lock): gathered, not handed over yet
  private volatile int waiters; // readers waiting on this monitor (written under it)

  QueueRoom(long max) {
    this.max = max;
  }

  /** What an event costs against the bound. */
  static long cost(ReceivedEvent event) {
    return event.size() + EVENT_OVERHEAD;
  }

  /**
   * Whether {@code bytes} more fit. With nothing queued anything fits: an event larger than the
   * bound must not wait for room that never comes.
   */
  boolean fits(long bytes) {
    long held = queued.get() + arriving;
    return held + bytes <= max || held == 0;
  }

  void gather(long bytes) {
    arriving += bytes;
  }

  void commit(long bytes) {
    arriving -= bytes;
    queued.addAndGet(bytes);
  }

  /** A handler handed room back (bytes, or a place in its queue): wake a waiting reader. */
  void release(long bytes) {
    if (bytes != 0) queued.addAndGet(-bytes);
    if (waiters > 0) {
      synchronized (this) {
        notifyAll();
      }
    }
  }

  /**
   * The reader waits, after handing over everything it gathered, until the event fits in
   * {@code s} ({@link LocalSubscription#hasRoom}): the handlers make room, or {@code s} is closed.
   * If no handler of the emitter handled anything for {@link #STUCK_NANOS}, the ones holding
   * events are cut loose, and the wait goes on (it ends at once if {@code s} was one of them).
   *
   * @return true once there is room; false when the connection ends (or the reader is
   *     interrupted) meanwhile
   */
  boolean await(LocalSubscription s, ReceivedEvent event, int shares,
      Iterable<LocalSubscription> all, Inbox.Reader reader) {
    long progress = progress(all);
    long since = System.nanoTime();
    synchronized (this) {
      waiters++;
      try {
        while (!s.hasRoom(event, shares)) {
          reader.waiting();
          if (reader.gone()) return false;
          long now = System.nanoTime();
          long p = progress(all);
          if (p != progress) {
            progress = p;
            since = now;
          } else if (now - since > STUCK_NANOS) {
            for (LocalSubscription each : all) each.cutLooseIfHolding();
            since = now;
            continue;
          }
          wait(LOOK_MILLIS);
        }
        return true;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      } finally {
        waiters--;
      }
    }
  }

  private static long progress(Iterable<LocalSubscription> all) {
    long sum = 0;
    for (LocalSubscription s : all) sum += s.delivered();
    return sum;
  }

  /** Wakes a waiting reader so that it looks again (the connection is going, say). */
  synchronized void wakeReader() {
    notifyAll();
  }

  long queued() {
    return queued.get();
  }
}
