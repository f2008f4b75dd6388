package org.universis.racket.relay.client;

import java.util.Arrays;

/**
 * The acknowledged emits an {@link Outbox} keeps for a takeover, oldest first, within a count, a
 * byte and an age bound: their lines copied one after another into a ring of bytes, their seqs,
 * places and times in arrays of primitives. Both grow as needed, up to the bounds.
 *
 * <p>Kept as two objects per emit (a record and its line), they were what a publisher's young
 * collections copied: at 10,000 events/s, 3.7 MB of them, and pauses of 9 to 16 ms, against 2 ms
 * without (PERFORMANCE.md, "Eleventh session"). A few arrays copy in one move each, or not at all
 * once large. Not thread-safe: the outbox's lock guards it.
 */
final class RecentEmits {

  private static final int FIRST_BYTES = 64 << 10;
  private static final int FIRST_COUNT = 64;

  private final int maxCount;
  private final int maxBytes;
  private byte[] ring = new byte[0];
  private long[] seqs = new long[0];
  private long[] times = new long[0];
  private int[] starts = new int[0];
  private int[] lengths = new int[0];
  private int oldest; // index of the oldest emit in the four arrays above, which are circular
  private int count;
  private long bytes;

  RecentEmits(int maxCount, int maxBytes) {
    this.maxCount = maxCount;
    this.maxBytes = maxBytes;
  }

  int size() {
    return count;
  }

  long bytes() {
    return bytes;
  }

  /** The seq of the {@code i}th emit, oldest first. */
  long seq(int i) {
    return seqs[slot(i)];
  }

  /** A copy of the line of the {@code i}th emit, oldest first. */
  byte[] line(int i) {
    int s = slot(i);
    return Arrays.copyOfRange(ring, starts[s], starts[s] + lengths[s]);
  }

  /**
   * Keeps a copy of {@code line}, acknowledged at {@code now}, dropping the oldest emits as the
   * bounds require. A line larger than the byte bound drops them all and is not kept.
   */
  void add(long seq, byte[] line, long now) {
    int length = line.length;
    if (length > maxBytes) {
      clear();
      return;
    }
    while (count >= maxCount || bytes + length > maxBytes) dropOldest();
    int at;
    while ((at = room(length)) < 0) {
      if (ring.length < maxBytes) growRing(length);
      else dropOldest(); // ends: with none left, the whole ring is room
    }
    if (count == seqs.length) growSlots();
    int s = slot(count);
    System.arraycopy(line, 0, ring, at, length);
    seqs[s] = seq;
    times[s] = now;
    starts[s] = at;
    lengths[s] = length;
    count++;
    bytes += length;
  }

  /** Drops the emits acknowledged before {@code oldestKept}; with none left, the arrays too. */
  void dropBefore(long oldestKept) {
    while (count > 0 && times[oldest] < oldestKept) dropOldest();
    if (count == 0) clear();
  }

  void clear() {
    ring = new byte[0];
    seqs = new long[0];
    times = new long[0];
    starts = new int[0];
    lengths = new int[0];
    oldest = 0;
    count = 0;
    bytes = 0;
  }

  private int slot(int i) {
    int s = oldest + i;
    return s < seqs.length ? s : s - seqs.length;
  }

  private void dropOldest() {
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
    int size = (int) Math.min(maxCount, Math.max(FIRST_COUNT, 2L * seqs.length));
    long[] s = new long[size];
    long[] t = new long[size];
    int[] st = new int[size];
    int[] l = new int[size];
    for (int i = 0; i < count; i++) {
      int from = slot(i);
      s[i] = seqs[from];
      t[i] = times[from];
      st[i] = starts[from];
      l[i] = lengths[from];
    }
    seqs = s;
    times = t;
    starts = st;
    lengths = l;
    oldest = 0;
  }
}
