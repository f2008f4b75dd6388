package org.universis.racket.relay.internal.server;

import java.util.List;
import org.universis.racket.relay.internal.codec.Envelope;
import org.universis.racket.relay.internal.codec.LineRing;
import org.universis.racket.spi.TypeFilter;

/**
 * The replay ring: the latest events' envelopes, bounded by count and by bytes. Not thread-safe:
 * the {@link Sequencer} guards it with its lock.
 *
 * <p>Envelopes are copied into a {@link LineRing} rather than held as the events that subscribers
 * were offered: those stay young for a second or more at 10,000 events/s, so every young
 * collection would copy the whole history (pauses of 2.6 to 6.5 ms). Replay, which is rare, makes
 * events again.
 */
public final class History {

  private final LineRing envelopes; // keyed by id
  /**
   * The parts of replays read from here and not yet written, all subscribers together, are
   * copies of held envelopes: they may hold at most as many bytes as the history itself.
   */
  private final HeldBytes replaying;
  private boolean wrapped;
  private long evictedThrough = Long.MIN_VALUE;

  /** @throws IllegalArgumentException if {@code maxBytes} is over {@link LineRing#MAX_BYTES} */
  public History(int maxEvents, long maxBytes) {
    this.envelopes = new LineRing(maxEvents, maxBytes);
    this.replaying = new HeldBytes(maxBytes);
  }

  /** A share of the bytes that replays may hold, for one subscriber's replay. */
  HeldBytes.Account replayShare() {
    return replaying.account();
  }

  void append(Event event) {
    int before = envelopes.size();
    envelopes.add(event.id, 0, event.envelope);
    if (envelopes.size() == 0) forget(event.id); // too large to keep: it and all before it are gone
    else if (envelopes.size() <= before) forget(envelopes.droppedKey());
  }

  /** Counts every id up to {@code id} as evicted: this relay cannot replay them. */
  void forget(long id) {
    wrapped = true;
    evictedThrough = Math.max(evictedThrough, id);
  }

  /**
   * The highest id evicted, or {@link Long#MIN_VALUE}: a replay after an id below it has a gap.
   * Ids need not be consecutive (under a backplane they are not).
   */
  long evictedThrough() {
    return evictedThrough;
  }

  /** Whether an event has ever been evicted, or was too large to keep. */
  boolean wrapped() {
    return wrapped;
  }

  int size() {
    return envelopes.size();
  }

  long bytes() {
    return envelopes.bytes();
  }

  /**
   * Adds to {@code out}, oldest first, the held events after {@code afterId} and up to {@code
   * toId} that match {@code filter}, looking at about {@code maxBytes} of envelopes (at least one).
   *
   * @return the id up to which the held events were looked at: the next call's {@code afterId}
   */
  long after(long afterId, long toId, TypeFilter filter, long maxBytes, List<? super Event> out) {
    long bytes = 0;
    for (int i = firstAfter(afterId); i < envelopes.size() && envelopes.key(i) <= toId; i++) {
      long id = envelopes.key(i);
      if (bytes >= maxBytes) return id - 1;
      byte[] envelope = envelopes.line(i);
      bytes += envelope.length;
      String type = Envelope.type(envelope, id);
      if (filter.matches(type)) out.add(new Event(id, type, envelope));
    }
    return toId;
  }

  // The index of the first held id past afterId: ids are held in increasing order.
  private int firstAfter(long afterId) {
    int low = 0;
    int high = envelopes.size();
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (envelopes.key(mid) <= afterId) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}
