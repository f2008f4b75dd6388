package org.universis.racket.relay.server;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A total of bytes that many connections share: what they hold of messages that have not fully
 * arrived. Each connection keeps an {@link Account} of its own share and grows it as bytes arrive;
 * a growth that would pass the total is refused, and that connection alone is closed.
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

  /** One connection's share; {@link #resize} on its IO thread, {@link #close} from any thread. */
  final class Account {
    private long bytes;
    private boolean closed;

    /** Sets this share to {@code total} bytes; false, changing nothing, when that would pass the max. */
    synchronized boolean resize(long total) {
      if (closed) return total <= bytes;
      long more = total - bytes;
      if (more > 0) {
        long now = held.addAndGet(more);
        if (now > max) {
          held.addAndGet(-more);
          return false;
        }
      } else {
        held.addAndGet(more);
      }
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
      long over = held.addAndGet(more) - max;
      if (more > 0 && over > 0) {
        long back = Math.min(over, more);
        held.addAndGet(-back);
        more -= back;
      }
      bytes += more;
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
