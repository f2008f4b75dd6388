package org.universis.racket.relay.internal.server;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A total of bytes that many connections share: what they hold of messages that have not fully
 * arrived. Each connection keeps an {@link Account} of its own share and grows it as bytes arrive;
 * a growth that would pass the total is refused, and that connection alone is closed. A growth is
 * reserved in one compare-and-set, so the total is never seen past the max: a growth that fits is
 * never refused because of another that did not.
 */
final class HeldBytes {

  private final long max;
  private final AtomicLong held = new AtomicLong();

  HeldBytes(long max) {
    this.max = max;
  }

  Account account() {
    return new Account();
  }

  // Adds to the total as many bytes as the max leaves, up to `most`, and none unless at least
  // `least` (> 0) fit, in one compare-and-set; returns how many it added.
  private long reserve(long least, long most) {
    while (true) {
      long now = held.get();
      long more = Math.min(most, max - now);
      if (more < least) return 0;
      if (held.compareAndSet(now, now + more)) return more;
    }
  }

  /** One connection's share; {@link #resize} on its IO thread, {@link #close} from any thread. */
  final class Account {
    private long bytes;
    private boolean closed;

    /** Sets this share to {@code total} bytes; false, changing nothing, when that would pass the max. */
    synchronized boolean resize(long total) {
      if (closed) return total <= bytes;
      long more = total - bytes;
      if (more > 0 && reserve(more, more) == 0) return false;
      if (more < 0) held.addAndGet(more);
      bytes = total;
      return true;
    }

    /**
     * Sets this share to {@code total} bytes, or to as much of it as the max leaves.
     *
     * @return the share now; 0 once closed
     */
    synchronized long resizeUpTo(long total) {
      if (closed) return 0;
      long more = total - bytes;
      if (more > 0) {
        bytes += reserve(1, more);
      } else {
        held.addAndGet(more);
        bytes = total;
      }
      return bytes;
    }

    /** Gives the whole share back; later growth is refused. */
    synchronized void close() {
      closed = true;
      held.addAndGet(-bytes);
      bytes = 0;
    }
  }
}
