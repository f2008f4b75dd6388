package org.universis.racket.spi;

import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What joins relays into one: a shared, ordered log of events that every relay appends to and
 * reads from. Implementations are found with {@link java.util.ServiceLoader} through a {@link
 * Provider} (racket-backplane-redis is one); a relay configured without a backplane loads none.
 *
 * <p>Entries are opaque bytes the relay encodes; the backplane orders them and names each with a
 * racket id: {@code (millis - ID_EPOCH_MILLIS) * IDS_PER_MILLI + n}, below 2^53, rising in the log's
 * order (docs/PROTOCOL.md, "Ids").
 */
public interface Backplane extends AutoCloseable {

  /** 2025-01-01T00:00Z in milliseconds since the Unix epoch: where racket ids start. */
  long ID_EPOCH_MILLIS = 1_735_689_600_000L;
  /** Ids per millisecond. */
  long IDS_PER_MILLI = 1024;

  /** Opens backplanes of the URI schemes it knows. */
  interface Provider {
    /** Whether this provider serves {@code uri}'s scheme. */
    boolean accepts(URI uri);

    /**
     * Opens a backplane; it connects in the background and delivers to {@code receiver} once
     * {@link Backplane#start} is called.
     *
     * @throws IllegalArgumentException naming what is wrong with {@code uri}
     */
    Backplane open(URI uri, Settings settings, Receiver receiver);
  }

  /**
   * @param tail how many of the latest entries a relay reads when it starts (its history's size)
   * @param holdEvents entries that may wait while the log is unreachable; more are refused
   * @param holdBytes bytes of entries that may wait while the log is unreachable
   */
  record Settings(int tail, int holdEvents, long holdBytes) {}

  /** Where a relay takes what the log holds, in the log's order, on one thread. */
  interface Receiver {
    /** The entry after the last one delivered. */
    void deliver(long id, byte[] entry);

    /** Entries after {@code afterId} up to {@code toId} left the log before they could be read. */
    void gap(long afterId, long toId);

    /** A problem worth an operator's attention (the log unreachable); never an entry's content. */
    void warn(String message);

    /** A change of state worth a line (the log reachable again). */
    void info(String message);
  }

  /** What {@code /health} and {@code /metrics} show. */
  record Status(boolean connected, int heldEvents, long lagMillis, long lastId) {}

  /**
   * Reads the latest {@link Settings#tail} entries, then follows the log. Returns once they are
   * delivered or {@code waitMillis} passed (the log unreachable; reading goes on in the background).
   */
  void start(long waitMillis);

  /**
   * Appends entries, in order and together, after those appended before. The future completes
   * with their ids once the log holds them, or fails with an {@link IllegalStateException} whose
   * message says why (the log unreachable past the hold bound, or the backplane closed). Ids in a
   * row (each the one before plus 1) let the relay answer a run of WebSocket emits with one ack.
   */
  CompletableFuture<long[]> append(List<byte[]> entries);

  Status status();

  /** Stops reading and appending; entries still held fail. */
  @Override
  void close();
}
