package org.universis.racket.relay.internal.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.universis.racket.relay.internal.codec.JsonLimits;

/** {@link JsonTree} against Jackson's untyped reading, which it must match value for value. */
class JsonTreeTest {

  @Test
  void readsNumbersIntoTheTypesJacksonGives() {
    for (String n : List.of("0", "-0", "7", "-7", "999999999", "2147483647", "2147483648",
        "-2147483648", "-2147483649", "9223372036854775807", "9223372036854775808",
        "-9223372036854775808", "-9223372036854775809", "999999999999999999", "-999999999999999999",
        "1000000000000000000", "-1000000000000000000", "123456789012345678901234567890", "0.0",
        "-0.0", "1.5", "1e5", "1E+2", "1.5e-3", "-2.5E-300", "1e400", "100000000000000000000.0")) {
      assertSameTree(n);
      assertSameTree("[" + n + "," + n + "]");
      assertSameTree("{\"n\":" + n + "}");
    }
  }

  @Test
  void readsStringsWithEscapesAndUtf8() {
    for (String s : List.of("\"\"", "\"plain\"", "\"caf\u00e9 \u65e5\u672c \uD83D\uDE00\"",
        "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"\\u0041\\u00e9\\u65E5\"", "\"\\uD83D\\uDE00 pair\"",
        "\"\\uD83D alone\"", "\"a\\nb\u00e9\\u0000c\"", "\"\u007f\"")) {
      assertSameTree(s);
      assertSameTree("{\"k\":" + s + "}");
      String named = "{" + s + ":" + s + "}";
      // A name with an escaped surrogate is Jackson's to read, or to refuse when it is alone.
      if (s.contains("alone")) {
        byte[] bytes = named.getBytes(StandardCharsets.UTF_8);
        assertThrows(IllegalArgumentException.class,
            () -> ClientJson.decode(bytes, 0, bytes.length, Object.class, () -> "event"));
      } else {
        assertDecodesLikeJackson(named);
      }
    }
  }

  @Test
  void aBodyReadAsAStringIsWhatJacksonReads() throws Exception {
    // Strings are read directly; a number or a boolean, Jackson coerces; an object, it refuses.
    for (String s : List.of("\"plain\"", "\"\\\"\\u00e9\\uD83D\\uDE00\\n\"", "\"caf\u00e9\"", "1",
        "-2.5e3", "true", "null")) {
      byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
      assertEquals(ClientJson.MAPPER.readValue(bytes, String.class),
          ClientJson.decode(bytes, 0, bytes.length, String.class, () -> "event"), s);
    }
    byte[] object = "{\"k\":1}".getBytes(StandardCharsets.UTF_8);
    assertThrows(IllegalArgumentException.class,
        () -> ClientJson.decode(object, 0, object.length, String.class, () -> "event"));
  }

  @Test
  void keepsKeyOrderAndTheLastOfRepeatedKeys() {
    assertSameTree("{\"b\":1,\"a\":2,\"c\":{\"z\":[],\"y\":{}}}");
    assertSameTree("{\"a\":1,\"b\":2,\"a\":3}");
    assertSameTree("{\"a\":null,\"a\":true}");
    assertSameTree(" \t\r\n{ \"a\" : [ 1 , false , null ] }\n ");
  }

  @Test
  void neverGivesOneNameForAnother() {
    // Far more names than the name cache has slots: slots are shared, names must not be.
    for (int round = 0; round < 2; round++) {
      for (int i = 0; i < 2_000; i++) {
        byte[] bytes = ("{\"k" + i + "\":" + i + "}").getBytes(StandardCharsets.US_ASCII);
        assertEquals(Map.of("k" + i, i), JsonTree.read(bytes, 0, bytes.length));
      }
    }
  }

  @Test
  void matchesJacksonOnRandomTrees() {
    Random random = new Random(20261128);
    int readDirectly = 0;
    for (int i = 0; i < 5_000; i++) {
      StringBuilder json = new StringBuilder();
      write(random, json, 0);
      byte[] bytes = json.toString().getBytes(StandardCharsets.UTF_8);
      if (JsonTree.read(bytes, 0, bytes.length) == JsonTree.UNREAD) {
        // A surrogate escaped in a name: Jackson's to read or refuse.
        assertTrue(ESCAPED_SURROGATE.matcher(json).find(), json.toString());
        continue;
      }
      readDirectly++;
      assertSameTree(json.toString());
    }
    assertTrue(readDirectly > 4_500, readDirectly + " of 5,000 read directly");
  }

  @Test
  void readsOnlyItsSliceOfALargerArray() {
    String body = "{\"n\":12,\"s\":\"x\"}";
    byte[] envelope = ("{\"id\":1,\"body\":" + body + "}").getBytes(StandardCharsets.UTF_8);
    int from = envelope.length - 1 - body.length();
    assertEquals(Map.of("n", 12, "s", "x"), JsonTree.read(envelope, from, body.length()));
    // A value cut short by its slice is not read on from the bytes after it.
    assertEquals(123, JsonTree.read("12345".getBytes(StandardCharsets.US_ASCII), 0, 3));
    assertSame(JsonTree.UNREAD, JsonTree.read("\"abc\"".getBytes(StandardCharsets.US_ASCII), 0, 3));
    assertSame(JsonTree.UNREAD, JsonTree.read("[1,2]".getBytes(StandardCharsets.US_ASCII), 0, 4));
    assertSame(JsonTree.UNREAD, JsonTree.read("true".getBytes(StandardCharsets.US_ASCII), 0, 3));
  }

  @Test
  void leavesWhatItDoesNotReadToJackson() {
    for (String bad : List.of("", " ", "{", "}", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "01", "-",
        "1.", ".5", "1e", "+1", "0x10", "NaN", "Infinity", "tru", "nul", "\"unterminated",
        "\"tab\there\"", "\"\\x\"", "\"\\u12G4\"", "'single'")) {
      byte[] bytes = bad.getBytes(StandardCharsets.UTF_8);
      assertSame(JsonTree.UNREAD, JsonTree.read(bytes, 0, bytes.length), bad);
      // ...and Jackson refuses it with its own message.
      assertThrows(IllegalArgumentException.class,
          () -> ClientJson.decode(bytes, 0, bytes.length, Object.class, () -> "event 1 (t)"), bad);
    }
    // Jackson reads the first of two values and ignores the rest; so does decode(), through it.
    byte[] two = "1 2".getBytes(StandardCharsets.US_ASCII);
    assertSame(JsonTree.UNREAD, JsonTree.read(two, 0, two.length));
    assertEquals(1, ClientJson.decode(two, 0, two.length, Object.class, () -> "two"));
    byte[] malformedUtf8 = {'"', (byte) 0xC3, '"'};
    assertSame(JsonTree.UNREAD, JsonTree.read(malformedUtf8, 0, 3));
  }

  @Test
  void readsUpToJsonLimitsAndLeavesWhatPassesThemToJacksonToRefuse() {
    int depth = JsonLimits.MAX_DEPTH;
    assertSameTree("[".repeat(depth) + "]".repeat(depth));
    assertSameTree("9".repeat(JsonLimits.MAX_NUMBER_LENGTH));
    assertSameTree("{\"" + "n".repeat(JsonLimits.MAX_NAME_LENGTH) + "\":1}");
    for (String past : List.of("[".repeat(depth + 1) + "]".repeat(depth + 1),
        "9".repeat(JsonLimits.MAX_NUMBER_LENGTH + 1), "{\"" + "n".repeat(JsonLimits.MAX_NAME_LENGTH + 1) + "\":1}",
        "{\"" + "é".repeat(JsonLimits.MAX_NAME_LENGTH / 2 + 1) + "\":1}")) {
      byte[] bytes = past.getBytes(StandardCharsets.UTF_8);
      assertSame(JsonTree.UNREAD, JsonTree.read(bytes, 0, bytes.length));
      assertThrows(IllegalArgumentException.class,
          () -> ClientJson.decode(bytes, 0, bytes.length, Object.class, () -> "past a limit"));
    }
  }

  private static final Pattern ESCAPED_SURROGATE = Pattern.compile("\\\\u[dD][89a-fA-F]");

  private static void assertDecodesLikeJackson(String json) {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    Object expected = jackson(json);
    Object actual = ClientJson.decode(bytes, 0, bytes.length, Object.class, () -> "event");
    assertEquals(expected, actual, json);
    assertEquals(shape(expected), shape(actual), json);
  }

  // Same value, same classes all the way down (Integer 1 and Long 1 are not equal), same key order.
  private static void assertSameTree(String json) {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    Object expected = jackson(json);
    Object actual = JsonTree.read(bytes, 0, bytes.length);
    assertEquals(expected, actual, json);
    assertEquals(shape(expected), shape(actual), json);
    assertEquals(expected, ClientJson.decode(bytes, 0, bytes.length, Object.class, () -> "event"), json);
  }

  private static Object jackson(String json) {
    try {
      // From UTF-8 bytes, as events arrive (a Java string may hold a lone surrogate; its bytes not).
      return ClientJson.MAPPER.readValue(json.getBytes(StandardCharsets.UTF_8), Object.class);
    } catch (java.io.IOException e) {
      throw new AssertionError(json, e);
    }
  }

  // The classes and key orders of a tree, as a string.
  private static String shape(Object v) {
    if (v instanceof Map<?, ?> m) {
      StringBuilder b = new StringBuilder(m.getClass().getSimpleName()).append('{');
      m.forEach((k, x) -> b.append(k).append('=').append(shape(x)).append(','));
      return b.append('}').toString();
    }
    if (v instanceof List<?> l) {
      List<String> parts = new ArrayList<>();
      for (Object x : l) parts.add(shape(x));
      return l.getClass().getSimpleName() + parts;
    }
    return v == null ? "null" : v.getClass().getSimpleName() + ":" + v;
  }

  private static final String[] STRINGS = {"", "a", "key", "caf\u00e9", "\u65e5\u672c", "\uD83D\uDE00",
      "q\"uote", "back\\slash", "line\nbreak", "tab\t", "\u0001ctl", "/slash", "\u007f"};

  private static void write(Random r, StringBuilder out, int depth) {
    int kind = depth > 4 ? 2 + r.nextInt(5) : r.nextInt(7);
    space(r, out);
    switch (kind) {
      case 0 -> {
        out.append('{');
        int n = r.nextInt(5);
        for (int i = 0; i < n; i++) {
          if (i > 0) out.append(',');
          space(r, out);
          string(r, out);
          space(r, out);
          out.append(':');
          write(r, out, depth + 1);
        }
        space(r, out);
        out.append('}');
      }
      case 1 -> {
        out.append('[');
        int n = r.nextInt(5);
        for (int i = 0; i < n; i++) {
          if (i > 0) out.append(',');
          write(r, out, depth + 1);
        }
        space(r, out);
        out.append(']');
      }
      case 2 -> string(r, out);
      case 3 -> out.append(switch (r.nextInt(3)) {
        case 0 -> "true";
        case 1 -> "false";
        default -> "null";
      });
      case 4 -> out.append(switch (r.nextInt(4)) {
        case 0 -> Integer.toString(r.nextInt());
        case 1 -> Long.toString(r.nextLong());
        case 2 -> Long.toString(r.nextLong() >>> r.nextInt(64));
        default -> (r.nextBoolean() ? "-" : "") + new java.math.BigInteger(64 + r.nextInt(100), r);
      });
      case 5 -> out.append(switch (r.nextInt(4)) {
        case 0 -> Double.toString(r.nextDouble() * Math.pow(10, r.nextInt(40) - 20));
        case 1 -> r.nextInt(1000) + "." + r.nextInt(1000);
        case 2 -> r.nextInt(100) + (r.nextBoolean() ? "e" : "E") + (r.nextBoolean() ? "-" : "+") + r.nextInt(300);
        default -> "-" + r.nextInt(10) + "." + r.nextInt(100000) + "e" + r.nextInt(20);
      });
      default -> out.append(r.nextInt(20) - 10);
    }
    space(r, out);
  }

  // A string literal: raw, or with every char or some escaped.
  private static void string(Random r, StringBuilder out) {
    String s = STRINGS[r.nextInt(STRINGS.length)];
    out.append('"');
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\' || c < 0x20 || r.nextInt(8) == 0) {
        out.append(switch (c) {
          case '"' -> "\\\"";
          case '\\' -> "\\\\";
          case '\n' -> "\\n";
          case '\t' -> "\\t";
          case '/' -> "\\/";
          default -> String.format("\\u%04x", (int) c);
        });
      } else {
        out.append(c);
      }
    }
    out.append('"');
  }

  private static void space(Random r, StringBuilder out) {
    if (r.nextInt(4) == 0) out.append(" \t\n\r".charAt(r.nextInt(4)));
  }
}
