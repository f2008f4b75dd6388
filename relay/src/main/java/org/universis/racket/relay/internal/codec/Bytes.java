package org.universis.racket.relay.internal.codec;

import java.nio.charset.StandardCharsets;

/**
 * Decimals and fixed ASCII runs written straight into byte arrays, for the wire classes that lay
 * their messages out by position ({@link Envelope}, {@link EmitLine}, {@link Ack}).
 */
public final class Bytes {

  private Bytes() {}

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  static int put(byte[] out, int pos, byte[] bytes) {
    System.arraycopy(bytes, 0, out, pos, bytes.length);
    return pos + bytes.length;
  }

  /** Writes a checked type (ASCII, nothing to escape) at {@code pos}; returns the position after it. */
  static int putAscii(byte[] out, int pos, String s) {
    for (int i = 0; i < s.length(); i++) out[pos++] = (byte) s.charAt(i);
    return pos;
  }

  /** The characters {@code Long.toString(value)} has. */
  public static int digits(long value) {
    if (value < 0) return value == Long.MIN_VALUE ? 20 : 1 + digits(-value);
    int n = 1;
    for (long limit = 10; n < 19 && value >= limit; limit *= 10) n++;
    return n;
  }

  /**
   * Writes {@code value} in decimal at {@code pos} (no String, no array per number) and returns the
   * position after it.
   */
  public static int putLong(byte[] out, int pos, long value) {
    if (value == Long.MIN_VALUE) return put(out, pos, ascii(Long.toString(value)));
    if (value < 0) {
      out[pos++] = '-';
      value = -value;
    }
    int end = pos + digits(value);
    int i = end;
    do {
      out[--i] = (byte) ('0' + value % 10);
      value /= 10;
    } while (value != 0);
    return end;
  }

  /**
   * A place in a line being read by its layout. Each step either matches and moves on, or answers
   * that the line is not laid out as its writer writes it (then Jackson reads it).
   */
  static final class Cursor {
    byte[] t;
    int pos;
    int to;

    Cursor at(byte[] t, int from, int to) {
      this.t = t;
      this.pos = from;
      this.to = to;
      return this;
    }

    boolean skip(byte[] expected) {
      int end = pos + expected.length;
      if (end > to || !java.util.Arrays.equals(t, pos, end, expected, 0, expected.length)) return false;
      pos = end;
      return true;
    }

    /** A non-negative decimal that fits a long, without leading zeros as JSON has it; or -1. */
    long digits() {
      int start = pos;
      long value = 0;
      while (pos < to && t[pos] >= '0' && t[pos] <= '9') {
        int digit = t[pos] - '0';
        if (pos - start >= 18 && value > (Long.MAX_VALUE - digit) / 10) return -1;
        value = value * 10 + digit;
        pos++;
      }
      return pos == start || t[start] == '0' && pos - start > 1 ? -1 : value;
    }

    /**
     * A checked type up to its closing quote, which stays ahead; null when it is empty or has an
     * escape, a control or a non-ASCII byte (negative here): Jackson decides those.
     */
    String type() {
      int start = pos;
      while (pos < to && t[pos] != '"') {
        if (t[pos] == '\\' || t[pos] < 0x20) return null;
        pos++;
      }
      return pos == start || pos == to ? null
          : new String(t, start, pos - start, StandardCharsets.ISO_8859_1);
    }
  }
}
