package org.universis.racket.relay.internal.codec;

/**
 * Finds where a JSON value ends, checking its syntax (RFC 8259) on the way, without a parser. The
 * relay runs it over every emitted body, where setting up a parser and walking its tokens cost more
 * than the rest of taking the event in (profiled).
 *
 * <p>It is never more lenient than Jackson, which the relay uses everywhere else: what it cannot
 * vouch for (bad syntax, but also nesting deeper than {@value #MAX_DEPTH}, numbers longer than
 * {@value #MAX_NUMBER} characters, names longer than {@value #MAX_NAME} bytes or strings longer
 * than {@value #MAX_STRING} bytes) it answers with -1, and the caller hands the input to Jackson, which accepts it or says what is wrong. The
 * bytes must be valid UTF-8 (checked before: WebSocket text frames are).
 */
public final class JsonScan {

  static final int MAX_DEPTH = 64;
  static final int MAX_NUMBER = 100;
  static final int MAX_STRING = 1 << 20;
  /** Jackson refuses names over 50,000 bytes by default (StreamReadConstraints); far below that. */
  static final int MAX_NAME = 1024;

  private JsonScan() {}

  /**
   * @return the index just after the value that starts at {@code from} (no whitespace before it),
   *     or -1 if there is none in {@code b[from, to)} this scan vouches for
   */
  public static int valueEnd(byte[] b, int from, int to) {
    return value(b, from, to, 0);
  }

  private static int value(byte[] b, int i, int to, int depth) {
    if (i >= to) return -1;
    return switch (b[i]) {
      case '{' -> depth == MAX_DEPTH ? -1 : object(b, i + 1, to, depth + 1);
      case '[' -> depth == MAX_DEPTH ? -1 : array(b, i + 1, to, depth + 1);
      case '"' -> string(b, i + 1, to, false);
      case 't' -> literal(b, i, to, TRUE);
      case 'f' -> literal(b, i, to, FALSE);
      case 'n' -> literal(b, i, to, NULL);
      default -> number(b, i, to);
    };
  }

  private static int object(byte[] b, int i, int to, int depth) {
    i = space(b, i, to);
    if (i < to && b[i] == '}') return i + 1;
    while (i < to && b[i] == '"') {
      i = space(b, string(b, i + 1, Math.min(to, i + 1 + MAX_NAME + 1), true), to);
      if (i < 0 || i >= to || b[i] != ':') return -1;
      i = space(b, value(b, space(b, i + 1, to), to, depth), to);
      if (i < 0 || i >= to) return -1;
      if (b[i] == '}') return i + 1;
      if (b[i] != ',') return -1;
      i = space(b, i + 1, to);
    }
    return -1;
  }

  private static int array(byte[] b, int i, int to, int depth) {
    i = space(b, i, to);
    if (i < to && b[i] == ']') return i + 1;
    while (true) {
      i = space(b, value(b, i, to, depth), to);
      if (i < 0 || i >= to) return -1;
      if (b[i] == ']') return i + 1;
      if (b[i] != ',') return -1;
      i = space(b, i + 1, to);
    }
  }

  // After the opening quote: to just after the closing one. Control characters must be escaped.
  // Jackson refuses a name with an escaped surrogate that is not half of a pair (in a value it
  // keeps it as a char): a name with any escaped surrogate is Jackson's to judge.
  private static int string(byte[] b, int i, int to, boolean name) {
    int end = Math.min(to, i + MAX_STRING);
    while ((i = special(b, i, end)) < end) {
      if (b[i] == '"') return i + 1;
      if (b[i] != '\\') return -1; // a control character
      if (i + 1 < end && isSimpleEscape(b[i + 1])) {
        i += 2;
      } else if (i + 5 < end && b[i + 1] == 'u' && isHex(b[i + 2]) && isHex(b[i + 3]) && isHex(b[i + 4])
          && isHex(b[i + 5])) {
        if (name && isSurrogate(b, i + 2)) return -1;
        i += 6;
      } else {
        return -1;
      }
    }
    return -1;
  }

  private static final long QUOTES = 0x2222222222222222L;
  private static final long BACKSLASHES = 0x5C5C5C5C5C5C5C5CL;
  private static final long SPACES = 0x2020202020202020L; // the first byte that is no control

  /**
   * The index of the first quote, backslash or control character in {@code b[i, end)}, or
   * {@code end}. Eight bytes at a time: a body is mostly string bytes that need no look of their
   * own. In each word, every test (a byte equal to a pattern's, a byte below 0x20) flags the
   * lowest byte it looks for exactly, and flags other bytes only above it; a byte of 0x80 or more
   * (UTF-8, checked before) matches none.
   */
  public static int special(byte[] b, int i, int end) {
    for (; i + 8 <= end; i += 8) {
      long x = (long) JsonSlice.LONGS.get(b, i);
      long found = JsonSlice.zeroBytes(x ^ QUOTES) | JsonSlice.zeroBytes(x ^ BACKSLASHES)
          | ((x - SPACES) & ~x & JsonSlice.HIGH_BITS);
      if (found != 0) return i + (Long.numberOfTrailingZeros(found) >>> 3);
    }
    while (i < end && b[i] != '"' && b[i] != '\\' && (b[i] & 0xFF) >= 0x20) i++;
    return i;
  }

  // -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
  private static int number(byte[] b, int i, int to) {
    int start = i;
    int end = Math.min(to, i + MAX_NUMBER + 1);
    if (i < end && b[i] == '-') i++;
    if (i >= end || !isDigit(b[i])) return -1;
    if (b[i] == '0') i++;
    else i = digits(b, i, end);
    if (i < end && b[i] == '.') {
      if (i + 1 >= end || !isDigit(b[i + 1])) return -1;
      i = digits(b, i + 1, end);
    }
    if (i < end && (b[i] == 'e' || b[i] == 'E')) {
      i++;
      if (i < end && (b[i] == '+' || b[i] == '-')) i++;
      if (i >= end || !isDigit(b[i])) return -1;
      i = digits(b, i, end);
    }
    return i - start > MAX_NUMBER ? -1 : i;
  }

  private static int digits(byte[] b, int i, int end) {
    while (i < end && isDigit(b[i])) i++;
    return i;
  }

  private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
  private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};
  private static final byte[] NULL = {'n', 'u', 'l', 'l'};

  private static int literal(byte[] b, int i, int to, byte[] word) {
    if (to - i < word.length) return -1;
    for (int k = 0; k < word.length; k++) {
      if (b[i + k] != word[k]) return -1;
    }
    return i + word.length;
  }

  /** The index of the first byte at or after {@code i} that is not JSON whitespace; -1 stays -1. */
  public static int space(byte[] b, int i, int to) {
    if (i < 0) return -1;
    while (i < to && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t')) i++;
    return i;
  }

  private static boolean isSimpleEscape(byte c) {
    return c == '"' || c == '\\' || c == '/' || c == 'b' || c == 'f' || c == 'n' || c == 'r' || c == 't';
  }

  // Whether the four hex digits at i are D800 to DFFF.
  private static boolean isSurrogate(byte[] b, int i) {
    return (b[i] == 'd' || b[i] == 'D') && (b[i + 1] >= '8' && b[i + 1] <= '9'
        || b[i + 1] >= 'a' && b[i + 1] <= 'f' || b[i + 1] >= 'A' && b[i + 1] <= 'F');
  }

  private static boolean isHex(byte c) {
    return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
  }

  private static boolean isDigit(byte c) {
    return c >= '0' && c <= '9';
  }
}
