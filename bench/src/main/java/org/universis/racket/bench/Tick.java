package org.universis.racket.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The benchmark's event: 256 bytes as a payload in either {@link View} (JSON of this record, or
 * the opaque form of {@link #opaque()}), carrying its number and the
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
  /** The JVM client's own mapper, shared by every system's objects view ({@link BenchJson}). */
  static final ObjectMapper JSON = BenchJson.mapper();
  /**
   * The first measured event's number; the i-th is {@code MEASURED_FIRST + 2 * i}. Measured and
   * warm-up numbers look alike to a parser: 9 digits (an int to JSON parsers) with the same first
   * digit, told apart by their parity alone, and a subscriber tallies both with the same code. So
   * the measurement runs code the JIT compilers compiled during the warm-up. Numbers of another
   * sign, length or first digit in the warm-up would make every JVM recompile its number parsing
   * and its tally in the first seconds of the measurement (Jackson's parser switches on a number's
   * first digit), taking the subscriber's inlined delivery loop back to the interpreter.
   */
  static final long MEASURED_FIRST = 100_000_000L;
  /** The first warm-up event's number; the i-th is {@code WARMUP_FIRST + 2 * i}. */
  static final long WARMUP_FIRST = MEASURED_FIRST + 1;
  /** The most events of one kind, measured or warm-up, whose numbers keep 9 digits. */
  static final long MOST = (1_000_000_000L - WARMUP_FIRST) / 2;

  /** {"type":"bench","n":,"t":,"pad":""} without the numbers and the filler. */
  private static final int FRAME = 35;
  private static final String[] PADS = new String[SIZE];

  /** Digits of {@code n} and of {@code t} at fixed places in the opaque form; filler after them. */
  private static final int N_DIGITS = 9;
  private static final int T_AT = N_DIGITS + 1;
  private static final int T_DIGITS = 19;
  private static final byte[] OPAQUE = new byte[SIZE];

  static {
    for (int i = 0; i < SIZE; i++) PADS[i] = "x".repeat(i);
    Arrays.fill(OPAQUE, (byte) 'x');
    OPAQUE[N_DIGITS] = ' ';
    OPAQUE[T_AT + T_DIGITS] = ' ';
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

  /**
   * The opaque payload: {@link #SIZE} ASCII bytes, {@code n} and {@code t} as digits at fixed places
   * and filler, written from a template with no serializer. A subscriber reads the two numbers
   * from their places ({@link #readOpaque}) and nothing else: what any receiver needs to know which
   * event arrived and when it left, the same few steps for every system.
   */
  byte[] opaque() {
    if (t < 0) throw new IllegalStateException("a negative nanoTime has no opaque form: " + t);
    byte[] b = OPAQUE.clone();
    digits(b, 0, N_DIGITS, n);
    digits(b, T_AT, T_DIGITS, t);
    return b;
  }

  private static void digits(byte[] b, int at, int count, long v) {
    for (int i = at + count - 1; i >= at; i--, v /= 10) b[i] = (byte) ('0' + v % 10);
  }

  /** Reads {@code n} and {@code t} from an opaque payload at {@code at} in {@code b}. */
  static void readOpaque(byte[] b, int at, TickSink sink) {
    if (b.length - at < SIZE) {
      throw new IllegalArgumentException("not an opaque tick: " + new String(b, at, b.length - at, StandardCharsets.ISO_8859_1));
    }
    sink.tick(number(b, at, N_DIGITS), number(b, at + T_AT, T_DIGITS));
  }

  static void readOpaque(String s, TickSink sink) {
    if (s.length() < SIZE) throw new IllegalArgumentException("not an opaque tick: " + s);
    long n = 0;
    for (int i = 0; i < N_DIGITS; i++) n = 10 * n + (s.charAt(i) - '0');
    long t = 0;
    for (int i = T_AT; i < T_AT + T_DIGITS; i++) t = 10 * t + (s.charAt(i) - '0');
    sink.tick(n, t);
  }

  private static long number(byte[] b, int at, int count) {
    long v = 0;
    for (int i = at; i < at + count; i++) v = 10 * v + (b[i] - '0');
    return v;
  }

  static JsonNode decodeTree(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("not JSON: " + json, e);
    }
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
