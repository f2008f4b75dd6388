package org.universis.racket.relay.client;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes queued for all of one emitter's subscriptions, against the {@code queue-bytes}
 * bound, and the monitor on which the connection's reader waits for room: a handler that hands
 * room back wakes it. An event that several subscriptions take counts once for each.
 *
 * <p>The reader adds what it gathers while it reads a message ({@link #gather}), and hands it
 * over at the message's end ({@link #commit}); handlers give it back a chunk at a time
 * ({@link #release}).
 */
final class QueueRoom {

  /** What one queued event costs beside its envelope: the object, its array's header, a slot. */
  static final int EVENT_OVERHEAD = 96;

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

  /** Wakes a waiting reader so that it looks again (the connection is going, say). */
  synchronized void wakeReader() {
    notifyAll();
  }

  /** Holding this: the reader begins or ends a wait. */
  void waiting(boolean begins) {
    waiters += begins ? 1 : -1;
  }

  long queued() {
    return queued.get();
  }
}
