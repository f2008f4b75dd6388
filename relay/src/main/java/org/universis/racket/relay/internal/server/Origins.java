package org.universis.racket.relay.internal.server;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Who speaks for each WebSocket origin id (PROTOCOL.md, Identity): at most one live connection
 * holds an id, and the highest seq each id reached on this relay's connections that closed is
 * remembered (the least recently closed forgotten first), so that the first emit of an origin's
 * next connection can be held to it. One lock, taken at hello and at close only.
 *
 * <p>A holder that has sent nothing for {@code silentNanos} loses the id to a new claim: a
 * connection whose network died without a word (no FIN) would otherwise keep its origin out for
 * as long as the relay does not notice, and a live JVM client is never that quiet.
 */
final class Origins {

  /** A connection that holds an origin id. */
  interface Holder {
    /** When it last sent anything, in {@link System#nanoTime()}. */
    long lastHeardNanos();

    /** The last seq it emitted, or -1. */
    long lastSeq();

    /** Another connection took its id over: it is closed. */
    void replaced();
  }

  /** How many closed origins' seqs are remembered. */
  static final int REMEMBERED = 10_000;

  /** What a hello gets: the id, or a refusal because a live connection holds it. */
  record Claim(boolean granted, long highestSeq) {
    /** No earlier connection of this origin is remembered. */
    static final long UNKNOWN = -1;
  }

  private final long silentNanos;
  private final Map<String, Holder> live = new HashMap<>();
  private final Map<String, Long> highest = new LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
      return size() > REMEMBERED;
    }
  };

  Origins(long silentNanos) {
    this.silentNanos = silentNanos;
  }

  /**
   * Gives {@code id} to {@code holder} unless a live connection that is not silent holds it.
   *
   * @return the claim, with the highest seq an earlier connection of the origin had accepted
   */
  Claim claim(String id, Holder holder) {
    Holder replaced;
    Claim claim;
    synchronized (this) {
      replaced = live.get(id);
      if (replaced != null && System.nanoTime() - replaced.lastHeardNanos() <= silentNanos) {
        return new Claim(false, Claim.UNKNOWN);
      }
      if (replaced != null) remember(id, replaced.lastSeq());
      live.put(id, holder);
      claim = new Claim(true, highest.getOrDefault(id, Claim.UNKNOWN));
    }
    if (replaced != null) replaced.replaced();
    return claim;
  }

  /** The holder's connection closed. */
  synchronized void release(String id, Holder holder) {
    if (live.remove(id, holder)) remember(id, holder.lastSeq());
  }

  private void remember(String id, long lastSeq) {
    if (lastSeq >= 0) highest.merge(id, lastSeq, Math::max);
  }
}
