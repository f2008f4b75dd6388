package org.universis.racket.relay.internal.codec;

import java.util.Arrays;

/**
 * Lines kept oldest first within a count and a byte bound, each with a key and a time: the lines
 * copied one after another into a ring of bytes, their keys, places and times in arrays of
 * primitives. Both grow as needed, up to the bounds. The relay's replay history (keyed by event
 * id) and an emitter's acknowledged emits (keyed by seq, dropped by age) are kept in one.
 *
 * <p>Kept as objects, two or more per line, they would be what young collections copy, since they
 * live a few seconds: at 10,000 events/s an emitter's 3.7 MB of them make pauses of 9 to 16 ms,
 * against 2 ms in arrays, and the relay's history pauses of 2.6 to 6.5 ms. A few arrays copy in
 * one move each, or not at all once large.
 * Not thread-safe: its owner's lock guards it.
 */
public final class LineRing {

  /** The largest byte bound: the ring is one array. */
  public static final int MAX_BYTES = 1 << 30;

  private static final int FIRST_BYTES = 64 << 10;
  private static final int FIRST_COUNT = 64;

  private final int maxCount;
  private final int maxBytes;
  private byte[] ring = new byte[0];
  private long[] keys = new long[0];
  private long[] times = new long[0];
  private int[] starts = new int[0];
  private int[] lengths = new int[0];
  private int oldest; // index of the oldest line in the four arrays above, which are circular
  private int count;
  private long bytes;
  private long droppedKey = Long.MIN_VALUE;

  /**
   * @throws IllegalArgumentException if a bound is negative, or {@code maxBytes} is over
   *     {@link #MAX_BYTES}
   */
  public LineRing(int maxCount, long maxBytes) {
    if (maxCount < 0 || maxBytes < 0 || maxBytes > MAX_BYTES) {
      throw new IllegalArgumentException("bounds must be 0 or more, at most " + MAX_BYTES + " bytes: "
          + maxCount + " lines, " + maxBytes + " bytes");
    }
    this.maxCount = maxCount;
    this.maxBytes = (int) maxBytes;
  }

  public int size() {
    return count;
  }

  public long bytes() {
    return bytes;
  }

  /** The key of the last line dropped to make room, or {@link Long#MIN_VALUE} before any. */
  public long droppedKey() {
    return droppedKey;
  }

  /** The key of the {@code i}th line, oldest first. */
  public long key(int i) {
    return keys[slot(i)];
  }

  /** A copy of the {@code i}th line, oldest first. */
  public byte[] line(int i) {
    int s = slot(i);
    return Arrays.copyOfRange(ring, starts[s], starts[s] + lengths[s]);
  }

  /**
   * Keeps a copy of {@code line} as the newest, dropping the oldest lines as the bounds require. A
   * line larger than the byte bound drops them all and is not kept.
   *
   * @param time what {@link #dropBefore} compares, in the caller's unit
   */
  public void add(long key, long time, byte[] line) {
    int length = line.length;
    if (length > maxBytes || maxCount == 0) {
      clear();
      return;
    }
    while (count >= maxCount || bytes + length > maxBytes) dropOldest();
    int at;
    while ((at = room(length)) < 0) {
      if (ring.length < maxBytes) growRing(length);
      else dropOldest(); // ends: with none left, the whole ring is room
    }
    if (count == keys.length) growSlots();
    int s = slot(count);
    System.arraycopy(line, 0, ring, at, length);
    keys[s] = key;
    times[s] = time;
    starts[s] = at;
    lengths[s] = length;
    count++;
    bytes += length;
  }

  /** Drops the lines whose time is before {@code oldestKept}; with none left, the arrays too. */
  public void dropBefore(long oldestKept) {
    while (count > 0 && times[oldest] < oldestKept) dropOldest();
    if (count == 0) clear();
  }

  public void clear() {
    ring = new byte[0];
    keys = new long[0];
    times = new long[0];
    starts = new int[0];
    lengths = new int[0];
    oldest = 0;
    count = 0;
    bytes = 0;
  }

  private int slot(int i) {
    int s = oldest + i;
    return s < keys.length ? s : s - keys.length;
  }

  private void dropOldest() {
    droppedKey = keys[oldest];
    bytes -= lengths[oldest];
    oldest = slot(1);
    if (--count == 0) oldest = 0;
  }

  // Where `length` bytes fit after the newest line, going round to the start of the ring if
  // needed and the oldest line leaves room there; -1 when they do not fit.
  private int room(int length) {
    if (count == 0) return length <= ring.length ? 0 : -1;
    int head = starts[oldest];
    int newest = slot(count - 1);
    int tail = starts[newest] + lengths[newest];
    if (starts[newest] >= head) { // one run from head to tail
      if (ring.length - tail >= length) return tail;
      return head >= length ? 0 : -1;
    }
    return head - tail >= length ? tail : -1; // gone round: the room is between them
  }

  // A larger ring with the lines in one run from its start, room for `length` more after them.
  private void growRing(int length) {
    long size = ring.length == 0 ? FIRST_BYTES : 2L * ring.length;
    while (size < bytes + length) size *= 2;
    byte[] grown = new byte[(int) Math.min(size, maxBytes)];
    int at = 0;
    for (int i = 0; i < count; i++) {
      int s = slot(i);
      System.arraycopy(ring, starts[s], grown, at, lengths[s]);
      starts[s] = at;
      at += lengths[s];
    }
    ring = grown;
  }

  private void growSlots() {
    int size = (int) Math.min(maxCount, Math.max(FIRST_COUNT, 2L * keys.length));
    long[] s = new long[size];
    long[] t = new long[size];
    int[] st = new int[size];
    int[] l = new int[size];
    for (int i = 0; i < count; i++) {
      int from = slot(i);
      s[i] = keys[from];
      t[i] = times[from];
      st[i] = starts[from];
      l[i] = lengths[from];
    }
    keys = s;
    times = t;
    starts = st;
    lengths = l;
    oldest = 0;
  }
}
