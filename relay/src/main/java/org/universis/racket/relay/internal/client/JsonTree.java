package org.universis.racket.relay.internal.client;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.universis.racket.relay.internal.codec.JsonLimits;
import org.universis.racket.relay.internal.codec.JsonScan;
import org.universis.racket.relay.internal.codec.JsonSlice;

/**
 * Reads a body into the tree {@link ClientJson#MAPPER} gives for {@code Object.class}:
 * {@link LinkedHashMap}, {@link ArrayList}, {@link String}, {@link Integer}, {@link Long} or
 * {@link BigInteger} by size, {@link Double}, {@link Boolean} and null. Jackson's setup for each
 * call (a parser, its context, its buffers) is an eighth of a subscriber's CPU flat out (JFR); a
 * body is small, so reading it directly costs less: a 256-byte body in 0.64× Jackson's time (JMH
 * {@code ClientReceiveBenchmark}).
 *
 * <p>It is for what the relay forwards: valid JSON in valid UTF-8. On anything else, and past the
 * limits of {@link JsonLimits} (nesting, number and name lengths), it gives up with {@link #UNREAD}
 * and the caller has Jackson read the body, so that errors and limits stay Jackson's.
 */
final class JsonTree {

  /** What {@link #read} returns when Jackson must read the body instead. */
  static final Object UNREAD = new Object();

  private final byte[] b;
  private final int end;
  private int pos;
  private boolean surrogateEscaped; // whether the last string read had a surrogate as an escape

  private JsonTree(byte[] b, int from, int end) {
    this.b = b;
    this.pos = from;
    this.end = end;
  }

  /** The tree of {@code b[from, from + length)}, or {@link #UNREAD}. */
  static Object read(byte[] b, int from, int length) {
    JsonTree reader = new JsonTree(b, from, from + length);
    try {
      Object value = reader.value(0);
      reader.space();
      return reader.pos == reader.end ? value : UNREAD;
    } catch (Unread | IndexOutOfBoundsException | NumberFormatException e) {
      return UNREAD;
    }
  }

  /** Thrown inside, never out: the input is not what this reads. */
  private static final class Unread extends RuntimeException {
    private static final Unread INSTANCE = new Unread();

    private Unread() {
      super(null, null, false, false);
    }
  }

  private Object value(int depth) {
    space();
    byte c = b[pos];
    switch (c) {
      case '{':
        return object(depth + 1);
      case '[':
        return array(depth + 1);
      case '"':
        return string();
      case 't':
        return word("true", Boolean.TRUE);
      case 'f':
        return word("false", Boolean.FALSE);
      case 'n':
        return word("null", null);
      default:
        if (c == '-' || (c >= '0' && c <= '9')) return number();
        throw Unread.INSTANCE;
    }
  }

  private Map<String, Object> object(int depth) {
    if (depth > JsonLimits.MAX_DEPTH) throw Unread.INSTANCE;
    pos++; // {
    Map<String, Object> map = new LinkedHashMap<>();
    space();
    if (b[pos] == '}') {
      pos++;
      return map;
    }
    while (true) {
      space();
      if (b[pos] != '"') throw Unread.INSTANCE;
      int nameStart = pos;
      String key = name();
      // Jackson reads escaped names by other rules than values, and refuses some surrogates there.
      // It counts a name's bytes; the bytes between the quotes are at least as many.
      if (pos - nameStart - 2 > JsonLimits.MAX_NAME_LENGTH || surrogateEscaped) throw Unread.INSTANCE;
      space();
      if (b[pos++] != ':') throw Unread.INSTANCE;
      map.put(key, value(depth)); // a repeated key: the last value wins, as in Jackson
      space();
      byte c = b[pos++];
      if (c == '}') return map;
      if (c != ',') throw Unread.INSTANCE;
    }
  }

  private List<Object> array(int depth) {
    if (depth > JsonLimits.MAX_DEPTH) throw Unread.INSTANCE;
    pos++; // [
    List<Object> list = new ArrayList<>();
    space();
    if (b[pos] == ']') {
      pos++;
      return list;
    }
    while (true) {
      list.add(value(depth));
      space();
      byte c = b[pos++];
      if (c == ']') return list;
      if (c != ',') throw Unread.INSTANCE;
    }
  }

  // A body's names repeat from event to event: a name of plain ASCII is looked up among those seen
  // before, by its bytes, rather than made anew (as Jackson's name table does).
  private String name() {
    int start = pos + 1;
    int q = JsonScan.special(b, start, end);
    int length = q - start;
    if (q >= end || b[q] != '"' || length > NAME_CACHED_LENGTH) return string();
    int hash = 0;
    for (int i = start; i < q; i++) hash = 31 * hash + b[i];
    int slot = (hash ^ hash >>> 16) & (NAMES.length - 1);
    Name known = NAMES[slot];
    if (known != null && Arrays.equals(known.bytes, 0, known.bytes.length, b, start, q)) {
      pos = q + 1;
      surrogateEscaped = false;
      return known.text;
    }
    String text = string();
    if (JsonSlice.asciiEnd(b, start, q) == q) NAMES[slot] = new Name(Arrays.copyOfRange(b, start, q), text);
    return text;
  }

  private static final int NAME_CACHED_LENGTH = 32;
  // Shared by every thread: a slot holds one immutable Name, so a racing read sees a whole one.
  private static final Name[] NAMES = new Name[256];

  private record Name(byte[] bytes, String text) {}

  // ASCII without escapes is the usual string and becomes a String directly; UTF-8 is decoded by
  // the JDK, escapes one by one. Both scans go eight bytes at a time: most of a body is strings.
  private String string() {
    int start = ++pos; // after the opening quote
    surrogateEscaped = false;
    pos = JsonScan.special(b, start, end);
    byte c = b[pos];
    if (c == '\\') return escaped(start);
    if (c != '"') throw Unread.INSTANCE; // a control character, or the slice's end
    String s = JsonSlice.asciiEnd(b, start, pos) == pos
        ? new String(b, start, pos - start, StandardCharsets.ISO_8859_1) : utf8(start, pos);
    pos++; // the closing quote
    return s;
  }

  // Strict, as Jackson is: malformed UTF-8 is Jackson's to refuse, not a replacement character.
  private String utf8(int from, int to) {
    try {
      return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(b, from, to - from)).toString();
    } catch (CharacterCodingException e) {
      throw Unread.INSTANCE;
    }
  }

  private String escaped(int start) {
    StringBuilder out = new StringBuilder(utf8(start, pos));
    int runStart = pos;
    while (true) {
      byte c = b[pos];
      if (c == '"' || c == '\\') {
        out.append(utf8(runStart, pos));
        if (c == '"') {
          pos++;
          return out.toString();
        }
        out.append(escape());
        runStart = pos;
      } else {
        if (c >= 0 && c < 0x20) throw Unread.INSTANCE;
        pos++;
      }
    }
  }

  // At a backslash: the character it stands for, pos moved past the escape.
  private char escape() {
    byte c = b[pos + 1];
    pos += 2;
    switch (c) {
      case '"': return '"';
      case '\\': return '\\';
      case '/': return '/';
      case 'b': return '\b';
      case 'f': return '\f';
      case 'n': return '\n';
      case 'r': return '\r';
      case 't': return '\t';
      case 'u': {
        int code = 0;
        for (int i = 0; i < 4; i++) {
          int d = Character.digit(b[pos++], 16);
          if (d < 0) throw Unread.INSTANCE;
          code = code << 4 | d;
        }
        surrogateEscaped |= Character.isSurrogate((char) code);
        return (char) code; // in a value, a surrogate stays one char, paired or not, as in Jackson
      }
      default: throw Unread.INSTANCE;
    }
  }

  private Object word(String word, Object value) {
    for (int i = 0; i < word.length(); i++) {
      if (b[pos + i] != word.charAt(i)) throw Unread.INSTANCE;
    }
    pos += word.length();
    return value;
  }

  // JSON's grammar, checked here since parseDouble and BigInteger accept more (a leading '+', "1.",
  // hexadecimal, "Infinity"): an integer becomes Integer, Long or BigInteger by size, anything with
  // a fraction or an exponent a Double, as Jackson's untyped reading does.
  private Object number() {
    int start = pos;
    if (b[pos] == '-') pos++;
    int intStart = pos;
    if (b[pos] == '0') pos++;
    else digits();
    if (pos == intStart) throw Unread.INSTANCE;
    boolean integer = true;
    if (pos < end && b[pos] == '.') {
      pos++;
      if (digits() == 0) throw Unread.INSTANCE;
      integer = false;
    }
    if (pos < end && (b[pos] == 'e' || b[pos] == 'E')) {
      pos++;
      if (pos < end && (b[pos] == '+' || b[pos] == '-')) pos++;
      if (digits() == 0) throw Unread.INSTANCE;
      integer = false;
    }
    int length = pos - start;
    if (length > JsonLimits.MAX_NUMBER_LENGTH) throw Unread.INSTANCE; // sign included: never past Jackson
    int digits = pos - intStart;
    if (integer && digits <= 18) { // fits a long: read without a String
      long v = 0;
      for (int i = intStart; i < pos; i++) v = v * 10 + (b[i] - '0');
      if (intStart > start) v = -v;
      return v == (int) v ? (Object) (int) v : (Object) v;
    }
    String text = new String(b, start, length, StandardCharsets.ISO_8859_1);
    if (!integer) return Double.parseDouble(text);
    BigInteger v = new BigInteger(text);
    return v.bitLength() <= 31 ? (Object) v.intValue() : v.bitLength() <= 63 ? (Object) v.longValue() : v;
  }

  private int digits() {
    int start = pos;
    while (pos < end && b[pos] >= '0' && b[pos] <= '9') pos++;
    return pos - start;
  }

  private void space() {
    while (pos < end && (b[pos] == ' ' || b[pos] == '\t' || b[pos] == '\n' || b[pos] == '\r')) pos++;
  }
}
