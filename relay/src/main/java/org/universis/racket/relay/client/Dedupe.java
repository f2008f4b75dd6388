package org.universis.racket.relay.client;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Decides whether an arriving event is new to this emitter's handlers. After a reconnect the relay
 * replays from the last id seen, and after a takeover emitters re-send their recent events to the
 * new relay (PROTOCOL.md, Takeover): both can bring an event a second time. An event is a
 * duplicate when its id is not above the last one handled from the same relay, or when its origin's
 * seq is not above the highest handled from that origin (seq 0, plain HTTP, is never judged so).
 */
final class Dedupe {

  /** How many origins are remembered; the least recently heard from is forgotten first. */
  static final int MAX_ORIGINS = 10_000;

  private final Map<String, Long> highestSeq = new LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
      return size() > MAX_ORIGINS;
    }
  };
  private long lastId;

  /** A new relay instance: its ids are unrelated to the last one's, only seqs still tell. */
  synchronized void newRelay() {
    lastId = 0;
  }

  /** Whether the event has not been handled yet; if so, it now counts as handled. */
  synchronized boolean firstTime(long id, String originId, long seq) {
    if (id <= lastId) return false;
    if (seq > 0 && originId != null) {
      Long highest = highestSeq.get(originId);
      if (highest != null && seq <= highest) {
        lastId = id;
        return false;
      }
      highestSeq.put(originId, seq);
    }
    lastId = id;
    return true;
  }
}
