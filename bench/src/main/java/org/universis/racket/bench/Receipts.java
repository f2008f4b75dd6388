package org.universis.racket.bench;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.BitSet;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * What one subscriber received: distinct measured events, events seen out of order (a later
 * number came first: possible when concurrent POSTs race each other) or twice, end-to-end
 * latency. The transport calls {@link #tick} on its delivery thread; the worker reads the totals
 * from its main thread, hence the lock (uncontended, so cheap).
 *
 * <p>Warm-up events are tallied exactly like measured ones, in a tally of their own that no
 * statistic reads, so that the measurement runs code the JIT compilers have compiled already. The
 * tally is picked without a branch, and it never compares a latency with the largest so far: a
 * branch that the warm-up never took (or, for a new largest, no longer took) would be compiled as a
 * trap, and the first measured event would send every method it was inlined into (the client's
 * delivery loop) back to the interpreter.
 */
final class Receipts implements Tick.TickSink {

  static final long HIGHEST_NANOS = TimeUnit.MINUTES.toNanos(1);
  private static final int SLICE = 10_000;
  private static final int SLICES = 20;

  private final Tally measured = new Tally(Tick.MEASURED_FIRST);
  private final Tally warm = new Tally(Tick.WARMUP_FIRST);
  private final Tally[] byParity = {measured, warm}; // even numbers measured, odd warm-up
  private long lastActivity = System.nanoTime();

  @Override
  public synchronized void tick(long n, long sentNanos) {
    long now = System.nanoTime();
    lastActivity = now;
    byParity[(int) (n & 1)].add(n, sentNanos, now);
  }

  /** For the worker's log: how it went, in one line. */
  synchronized String summary() {
    Histogram latency = measured.latency;
    return String.format(java.util.Locale.ROOT, "received %d (+%d warm-up, %d out of order, %d twice); latency µs"
        + " p50 %.0f p99 %.0f max %.0f; p99 ms by %d events:%s", measured.count,
        warm.count, measured.disordered, measured.duplicates,
        latency.getValueAtPercentile(50) / 1e3, latency.getValueAtPercentile(99) / 1e3,
        latency.getMaxValue() / 1e3, SLICE, measured.sliceP99s());
  }

  synchronized long warm() {
    return warm.count;
  }

  /** The index of the latest warm-up event received (0 for the first sent), or -1. */
  synchronized long lastWarm() {
    return warm.lastN;
  }

  synchronized long count() {
    return measured.count;
  }

  synchronized long lastActivity() {
    return lastActivity;
  }

  /** The result line's JSON: counts, the time of the last receipt, the histogram compressed. */
  synchronized String toJson() {
    ByteBuffer buffer = ByteBuffer.allocate(measured.latency.getNeededByteBufferCapacity());
    int length = measured.latency.encodeIntoCompressedByteBuffer(buffer);
    String histogram = Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buffer.array(), length));
    return "{\"count\":" + measured.count + ",\"disordered\":" + measured.disordered
        + ",\"duplicates\":" + measured.duplicates + ",\"warm\":" + warm.count
        + ",\"lastNanos\":" + measured.lastNanos + ",\"histogram\":\"" + histogram + "\"}";
  }

  static Histogram histogram(String base64) {
    try {
      return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(base64)), 0);
    } catch (java.util.zip.DataFormatException e) {
      throw new IllegalArgumentException("not a compressed histogram", e);
    }
  }

  /** The events of one numbering ({@code first} + 0, 2, 4...). */
  private static final class Tally {
    final long first;
    final Histogram latency = new Histogram(HIGHEST_NANOS, 3);
    /** Latency by runs of {@link #SLICE} events (a second at 10,000 events/s); last, the rest. */
    final Histogram[] slices = new Histogram[SLICES];
    /** Which events arrived; a lost one is a clear bit. Grows to the count sent. */
    final BitSet seen = new BitSet();
    long count;
    long disordered;
    long duplicates;
    long lastN = -1;
    long lastNanos;

    Tally(long first) {
      this.first = first;
      for (int i = 0; i < slices.length; i++) slices[i] = new Histogram(HIGHEST_NANOS, 2);
    }

    void add(long number, long sentNanos, long now) {
      long n = (number - first) >> 1;
      if (n < 0 || n > Integer.MAX_VALUE || seen.get((int) n)) {
        duplicates++;
        return;
      }
      seen.set((int) n);
      if (n < lastN) disordered++;
      lastN = Math.max(lastN, n);
      lastNanos = now;
      count++;
      long l = Math.max(0, Math.min(now - sentNanos, HIGHEST_NANOS));
      latency.recordValue(l);
      // An int min: a long one compiled to a branch that the warm-up (past its last slice) and
      // the measurement (not yet there) take in opposite directions, a trap when measuring began.
      slices[Math.min((int) n / SLICE, SLICES - 1)].recordValue(l);
    }

    /** The p99 of each slice, in ms: whether the tail is spread out or comes in bursts. */
    String sliceP99s() {
      StringBuilder out = new StringBuilder();
      for (Histogram h : slices) {
        if (h.getTotalCount() > 0) {
          double p99 = h.getValueAtPercentile(99) / 1e6;
          out.append(String.format(java.util.Locale.ROOT, " %.1f", p99));
        }
      }
      return out.toString();
    }
  }
}
