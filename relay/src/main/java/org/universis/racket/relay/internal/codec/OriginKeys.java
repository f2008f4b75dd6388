package org.universis.racket.relay.internal.codec;

import java.util.Arrays;

/**
 * The origins one keyed connection has been given (PROTOCOL.md, Origin keys), by key: the relay's
 * side of {@link Envelope#writeKeyed}. A new origin takes the next key round the table, replacing
 * what that key named before, so the table is bounded by {@value #MAX} whatever the number of
 * emitters. Only the connection's writer uses it.
 */
public final class OriginKeys {

  /** Keys run from 0 to MAX - 1. */
  public static final int MAX = 64;

  private final byte[][] origins = new byte[MAX][];
  private int last; // the key found or given last: consecutive events mostly share an origin
  private int next;

  /** The key whose origin's bytes are at {@code t[at…]}, or -1. */
  int find(byte[] t, int at) {
    if (matches(last, t, at)) return last;
    for (int key = 0; key < MAX; key++) {
      if (matches(key, t, at)) return last = key;
    }
    return -1;
  }

  /** How many bytes the origin of {@code key} has. */
  int length(int key) {
    return origins[key].length;
  }

  /** Gives the origin at {@code t[from, to)} a key. */
  int add(byte[] t, int from, int to) {
    int key = next;
    next = (next + 1) % MAX;
    origins[key] = Arrays.copyOfRange(t, from, to);
    return last = key;
  }

  private boolean matches(int key, byte[] t, int at) {
    byte[] origin = origins[key];
    return origin != null && at + origin.length <= t.length
        && Arrays.equals(origin, 0, origin.length, t, at, at + origin.length);
  }
}
