package org.universis.racket.relay.server;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Who speaks for each WebSocket origin id (PROTOCOL.md, Identity): at most one live connection
 * holds an id, and the highest seq each id reached on this relay's connections that closed is
 * remembered (the least recently closed forgotten first), so that the first emit of an origin's
 * next connection can be held to it. One lock, taken at hello and at close only.
 */
final class Origins {

  /** How many closed origins' seqs are remembered. */
  static final int REMEMBERED = 10_000;

  /** What a hello gets: the id, or a refusal because a live connection holds it. */
  record Claim(boolean granted, long highestSeq) {
    /** No earlier connection of this origin is remembered. */
    static final long UNKNOWN = -1;
  }

  private final Map<String, Object> live = new HashMap<>();
  private final Map<String, Long> highest = new LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
      return size() > REMEMBERED;
    }
  };

  /**
   * Gives {@code id} to {@code holder} unless a live connection holds it.
   *
   * @return the claim, with the highest seq an earlier connection of the origin had accepted
   */
  synchronized Claim claim(String id, Object holder) {
    if (live.putIfAbsent(id, holder) != null) return new Claim(false, Claim.UNKNOWN);
    return new Claim(true, highest.getOrDefault(id, Claim.UNKNOWN));
  }

  /** The holder's connection closed, its last accepted seq {@code lastSeq} (-1: none). */
  synchronized void release(String id, Object holder, long lastSeq) {
    if (!live.remove(id, holder)) return;
    if (lastSeq >= 0) highest.merge(id, lastSeq, Math::max);
  }
}
