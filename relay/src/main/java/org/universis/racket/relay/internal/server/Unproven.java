package org.universis.racket.relay.internal.server;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * WebSocket connections let in by a {@code Racket-Challenge} without the token, whose hello has
 * not proven the token yet (PROTOCOL.md, Proving who is who). Anyone who can reach the port can
 * open one, so until the proof they are kept few, brief and small: a process without the token
 * cannot hold the relay's {@code max-connections} or its {@code max-held-bytes} with them.
 */
final class Unproven {

  /** The most unproven connections at once, across the relay; past it the upgrade gets 503. */
  static final int MAX = 64;
  /**
   * How long an unproven connection may take to send its hello. A client sends it as soon as the
   * upgrade is answered; the heartbeat period that bounds a token holder's silence would let a
   * stranger renew its places every 15 s and keep them for good.
   */
  static final long HELLO_DEADLINE_SECONDS = 2;
  /**
   * The largest message before the proof: the largest hello (a filter of 256 patterns of 256
   * characters is about 66 KiB, its origin fields at most a few KiB) fits, so {@link #MAX} such
   * connections hold at most a few MiB of the relay's {@code max-held-bytes}.
   */
  static final int MAX_MESSAGE = 80 * 1024;

  private final AtomicInteger open = new AtomicInteger();

  boolean full() {
    return open.get() >= MAX;
  }

  /** Takes a place; the returned release gives it back, once however often it runs; null: full. */
  Runnable tryAcquire() {
    if (open.incrementAndGet() > MAX) {
      open.decrementAndGet();
      return null;
    }
    AtomicBoolean released = new AtomicBoolean();
    return () -> {
      if (released.compareAndSet(false, true)) open.decrementAndGet();
    };
  }

  static String refusal() {
    return "the relay has " + MAX + " connections whose hello has not proven the token yet, its"
        + " limit; try again later, or send the token";
  }
}
