package org.universis.racket.relay.internal.client;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Decides whether an arriving event is new to this emitter's handlers. After a reconnect the relay
 * replays from the last id seen, and after a takeover emitters re-send their recent events to the
 * new relay (PROTOCOL.md, Takeover): both can bring an event a second time. An event is a
 * duplicate when its id is not above the last one handled from the same relay, or when its origin's
 * seq is not above the highest handled from that origin (seq 0, plain HTTP, is never judged so).
 * Not thread-safe: its {@link Inbox} guards it.
 */
final class Dedupe {

  /** How many origins are remembered; the least recently heard from is forgotten first. */
  static final int MAX_ORIGINS = 10_000;

  // Per origin, the highest seq handled (one mutable cell each: no boxing per event).
  private final Map<String, long[]> highestSeq = new LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, long[]> eldest) {
      return size() > MAX_ORIGINS;
    }
  };
  // The origin of the last event and its cell: events come in runs from one origin, and its entry
  // is then the most recently used already.
  private String lastOrigin;
  private long[] lastHighest;
  private long lastId;

  /** A new relay instance: its ids are unrelated to the last one's, only seqs still tell. */
  void newRelay() {
    lastId = 0;
  }

  /** Whether the event has not been handled yet; if so, it now counts as handled. */
  boolean firstTime(long id, String originId, long seq) {
    if (id <= lastId) return false;
    lastId = id;
    if (seq <= 0 || originId == null) return true;
    long[] highest = originId.equals(lastOrigin) ? lastHighest : highestSeq.get(originId);
    if (highest == null) highestSeq.put(originId, highest = new long[1]);
    lastOrigin = originId;
    lastHighest = highest;
    if (seq <= highest[0]) return false;
    highest[0] = seq;
    return true;
  }
}
