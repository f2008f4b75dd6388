package org.universis.racket.relay.internal.codec;

import com.fasterxml.jackson.core.JsonParser;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Cuts a value's raw bytes out of a parsed JSON document, so the relay forwards bodies byte for
 * byte instead of decoding and re-encoding them; and finds line ends and non-ASCII bytes in what
 * the relay and the client receive, eight bytes at a time.
 */
public final class JsonSlice {

  private JsonSlice() {}

  /** The byte offset where the parser's current token starts. */
  public static int start(JsonParser parser) {
    return (int) parser.currentTokenLocation().getByteOffset();
  }

  /**
   * A copy of the value in {@code src[from, to)} ({@link #end}), its line breaks turned into spaces
   * ({@link #unbreak}).
   *
   * @param to where the next token starts, or the end of the input
   */
  public static byte[] copy(byte[] src, int from, int to) {
    byte[] out = Arrays.copyOfRange(src, from, end(src, from, to));
    unbreak(out, 0, out.length);
    return out;
  }

  /**
   * Where the value in {@code src[from, to)} ends: before the whitespace and separators after it.
   *
   * @param to where the next token starts, or the end of the input
   */
  public static int end(byte[] src, int from, int to) {
    int end = to;
    while (end > from && isTrailing(src[end - 1])) end--;
    return end;
  }

  /**
   * Turns the line breaks in {@code b[from, to)}, one JSON value, into spaces, in place: a line
   * break can only be whitespace between tokens in valid JSON, and envelopes must fit on one line
   * (SSE data, NDJSON).
   */
  public static void unbreak(byte[] b, int from, int to) {
    // Every relayed body passes here, and line breaks in one are rare: look eight bytes at a time,
    // rewrite byte by byte only from the first one found.
    int i = from;
    for (; i + 8 <= to; i += 8) {
      long x = (long) LONGS.get(b, i);
      if (hasByte(x, NEWLINES) || hasByte(x, RETURNS)) break;
    }
    for (; i < to; i++) {
      if (b[i] == '\n' || b[i] == '\r') b[i] = ' ';
    }
  }

  /**
   * The index of the next {@code '\n'} in {@code text[from, to)}, or {@code to}: in UTF-8 JSON
   * lines, never inside a multi-byte sequence or a string. Eight bytes at a time: the relay's
   * readers and the client's scan every byte they receive with it.
   */
  public static int lineEnd(byte[] text, int from, int to) {
    int i = from;
    for (; i + 8 <= to; i += 8) {
      long found = zeroBytes((long) LONGS.get(text, i) ^ NEWLINES); // where text has '\n'
      if (found != 0) return i + (Long.numberOfTrailingZeros(found) >>> 3);
    }
    while (i < to && text[i] != '\n') i++;
    return i;
  }

  /**
   * The index of the first byte in {@code b[from, to)} that is not ASCII, or {@code to}. Eight
   * bytes at a time: the relay checks every text frame it receives to be UTF-8, mostly ASCII.
   */
  public static int asciiEnd(byte[] b, int from, int to) {
    int i = from;
    while (i + 8 <= to && ((long) LONGS.get(b, i) & HIGH_BITS) == 0) i += 8;
    while (i < to && b[i] >= 0) i++;
    return i;
  }

  /**
   * Whether {@code b[from, to)} is UTF-8 (RFC 3629: shortest forms, no surrogates, nothing past
   * U+10FFFF). ASCII eight bytes at a time, the rest without decoding: the client checks every text
   * message it receives.
   */
  public static boolean isUtf8(byte[] b, int from, int to) {
    for (int i = asciiEnd(b, from, to); i < to; i = asciiEnd(b, i, to)) {
      int lead = b[i] & 0xFF;
      int more = lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : 1;
      if (lead < 0xC2 || lead > 0xF4 || i + more >= to) return false;
      // The second byte's range excludes overlong forms, surrogates and code points past U+10FFFF.
      int second = b[i + 1] & 0xFF;
      int low = lead == 0xE0 ? 0xA0 : lead == 0xF0 ? 0x90 : 0x80;
      int high = lead == 0xED ? 0x9F : lead == 0xF4 ? 0x8F : 0xBF;
      if (second < low || second > high) return false;
      for (int k = 2; k <= more; k++) {
        if ((b[i + k] & 0xC0) != 0x80) return false;
      }
      i += more + 1;
    }
    return true;
  }

  static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  static final long HIGH_BITS = ONES << 7;
  private static final long NEWLINES = 0x0A0A0A0A0A0A0A0AL;
  private static final long RETURNS = 0x0D0D0D0D0D0D0D0DL;

  // Whether one of the eight bytes of x equals the byte repeated in `pattern`.
  private static boolean hasByte(long x, long pattern) {
    return zeroBytes(x ^ pattern) != 0;
  }

  /**
   * The high bit of each zero byte of {@code y}: exact for the lowest one, and a byte above a zero
   * byte may be flagged too, so the lowest flag is where the first zero byte is.
   */
  static long zeroBytes(long y) {
    return (y - ONES) & ~y & HIGH_BITS;
  }

  private static boolean isTrailing(byte b) {
    return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == ',' || b == ':';
  }
}
