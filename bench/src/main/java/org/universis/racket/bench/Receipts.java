package org.universis.racket.bench;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * What one subscriber received: distinct measured events, events seen out of order (a later
 * number came first: possible when concurrent POSTs race each other) or twice, end-to-end
 * latency. The transport calls {@link #tick} on its delivery thread; the worker reads the totals
 * from its main thread, hence the lock (uncontended, so cheap).
 */
final class Receipts implements Tick.TickSink {

  static final long HIGHEST_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final Histogram latency = new Histogram(HIGHEST_NANOS, 3);
  /** Which measured events arrived; a lost one is a clear bit. Grows to the count sent. */
  private final java.util.BitSet seen = new java.util.BitSet();
  private long count;
  private long disordered;
  private long duplicates;
  private long warm;
  private long lastN = -1;
  private long lastNanos;
  private long lastActivity = System.nanoTime();
  private long worstN = -1;

  @Override
  public synchronized void tick(long n, long sentNanos) {
    long now = System.nanoTime();
    lastActivity = now;
    if (n < 0) {
      warm++;
      return;
    }
    if (n > Integer.MAX_VALUE || seen.get((int) n)) {
      duplicates++;
      return;
    }
    seen.set((int) n);
    if (n < lastN) disordered++;
    lastN = Math.max(lastN, n);
    lastNanos = now;
    count++;
    long l = Math.max(0, Math.min(now - sentNanos, HIGHEST_NANOS));
    if (l > latency.getMaxValue()) worstN = n;
    latency.recordValue(l);
  }

  /** For the worker's log: how it went, in one line. */
  synchronized String summary() {
    return String.format(java.util.Locale.ROOT, "received %d (+%d warm-up, %d out of order, %d twice); latency µs"
        + " p50 %.0f p99 %.0f max %.0f (event %d)", count, warm, disordered, duplicates, latency.getValueAtPercentile(50) / 1e3,
        latency.getValueAtPercentile(99) / 1e3, latency.getMaxValue() / 1e3, worstN);
  }

  synchronized long warm() {
    return warm;
  }

  synchronized long count() {
    return count;
  }

  synchronized long lastActivity() {
    return lastActivity;
  }

  /** The result line's JSON: counts, the time of the last receipt, the histogram compressed. */
  synchronized String toJson() {
    ByteBuffer buffer = ByteBuffer.allocate(latency.getNeededByteBufferCapacity());
    int length = latency.encodeIntoCompressedByteBuffer(buffer);
    String histogram = Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buffer.array(), length));
    return "{\"count\":" + count + ",\"disordered\":" + disordered + ",\"duplicates\":" + duplicates
        + ",\"warm\":" + warm
        + ",\"lastNanos\":" + lastNanos + ",\"histogram\":\"" + histogram + "\"}";
  }

  static Histogram histogram(String base64) {
    try {
      return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(base64)), 0);
    } catch (java.util.zip.DataFormatException e) {
      throw new IllegalArgumentException("not a compressed histogram", e);
    }
  }
}
