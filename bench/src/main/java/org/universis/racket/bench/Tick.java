package org.universis.racket.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * The benchmark's event: 256 bytes of JSON once encoded, carrying its number and the
 * {@link System#nanoTime()} at which it was sent (or due: {@link Worker}). On Linux every process
 * reads the same monotonic clock, so a subscriber in another JVM subtracts {@code t} from its own
 * {@code nanoTime()}.
 *
 * @param type always {@code bench}: racket and the HTTP surface take the event's type from it
 * @param n {@link #MEASURED_FIRST} + 0, 2, 4... for measured events, {@link #WARMUP_FIRST} + 0, 2,
 *     4... for warm-up events, which no statistic counts
 * @param t the sender's {@code System.nanoTime()} just before the send, or the time the send was
 *     due if the paced sender reached it late
 * @param pad filler that brings the encoded event to {@link #SIZE} bytes
 */
record Tick(String type, long n, long t, String pad) {

  static final int SIZE = 256;
  static final String TYPE = "bench";
  static final ObjectMapper JSON = new ObjectMapper();
  /**
   * The first measured event's number; the i-th is {@code MEASURED_FIRST + 2 * i}. Measured and
   * warm-up numbers look alike to a parser: 9 digits (an int to JSON parsers) with the same first
   * digit, told apart by their parity alone, and a subscriber tallies both with the same code. So
   * the measurement runs code the JIT compilers compiled during the warm-up. With warm-up numbers
   * negative and measured ones counting up from 0, every JVM recompiled its number parsing and its
   * tally in the first seconds of the measurement; with warm-up numbers from 500,000,000, Jackson's
   * parser still did (its switch on a number's first digit had never seen a 1), taking the
   * subscriber's inlined delivery loop back to the interpreter (docs/PERFORMANCE.md, "Sixth
   * session" and "Seventh session").
   */
  static final long MEASURED_FIRST = 100_000_000L;
  /** The first warm-up event's number; the i-th is {@code WARMUP_FIRST + 2 * i}. */
  static final long WARMUP_FIRST = MEASURED_FIRST + 1;
  /** The most events of one kind, measured or warm-up, whose numbers keep 9 digits. */
  static final long MOST = (1_000_000_000L - WARMUP_FIRST) / 2;

  /** {"type":"bench","n":,"t":,"pad":""} without the numbers and the filler. */
  private static final int FRAME = 35;
  private static final String[] PADS = new String[SIZE];

  static {
    for (int i = 0; i < SIZE; i++) PADS[i] = "x".repeat(i);
  }

  /** The i-th tick from {@code first}, stamped now and padded to exactly {@link #SIZE} bytes. */
  static Tick stamp(long first, long i) {
    return stamp(first, i, System.nanoTime());
  }

  /** The i-th tick from {@code first}, stamped {@code t} and padded to exactly {@link #SIZE} bytes. */
  static Tick stamp(long first, long i, long t) {
    long n = first + 2 * i;
    int digits = stringSize(n) + stringSize(t);
    return new Tick(TYPE, n, t, PADS[SIZE - FRAME - digits]);
  }

  byte[] toJson() {
    try {
      return JSON.writeValueAsBytes(this);
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode " + this, e);
    }
  }

  /** Reads {@code n} and {@code t} out of an event's JSON, the way a subscriber of that system would. */
  static void decode(byte[] json, TickSink sink) {
    try {
      accept(JSON.readTree(json), sink);
    } catch (IOException e) {
      throw new IllegalArgumentException("not a tick: " + new String(json), e);
    }
  }

  static void decode(String json, TickSink sink) {
    try {
      accept(JSON.readTree(json), sink);
    } catch (IOException e) {
      throw new IllegalArgumentException("not a tick: " + json, e);
    }
  }

  static JsonNode decodeTree(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("not JSON: " + json, e);
    }
  }

  static void accept(JsonNode tick, TickSink sink) {
    sink.tick(tick.get("n").asLong(), tick.get("t").asLong());
  }

  private static int stringSize(long v) {
    return Long.toString(v).length();
  }

  /** Receives what a subscriber decoded. */
  @FunctionalInterface
  interface TickSink {
    void tick(long n, long sentNanos);
  }
}
