package org.universis.racket.relay.internal.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link AsciiStrings} against Jackson's own serializer, whose bytes it must write exactly. */
class AsciiStringsTest {

  private static final ObjectMapper JACKSON = new ObjectMapper();

  // Each kind of char the fast path must take or leave: ASCII, '?', what JSON escapes, UTF-8 of
  // two and three bytes, a surrogate pair, and each half alone (encoded as '?' by String.getBytes).
  private static final String[] PIECES = {"a", "Z", "7", " ", "/", "~", "\u007f", "?", "\"", "\\",
      "\n", "\u0000", "\u001f", "\u00e9", "\u20ac", "\uD83D\uDE00", "\uD83D", "\uDE00"};

  record Tick(String type, long n, String pad) {}

  record Sparse(@JsonInclude(JsonInclude.Include.NON_EMPTY) String empty, @JsonRawValue String raw,
      List<String> list, String[] array) {}

  @Test
  void writesTheBytesJacksonWrites() {
    for (String s : List.of("", "plain", "x".repeat(190), "with ? mark", "tab\there", "quote\"d",
        "caf\u00e9", "\uD83D\uDE00", "lone \uD83D high", "lone \uDE00 low", "\uDE00", "?\uD800?")) {
      assertEncodesLikeJackson(s);
    }
  }

  @Test
  void writesEachCharAsJacksonDoesAtEveryPlaceInAString() {
    for (String piece : PIECES) {
      for (int at = 0; at <= 20; at++) {
        assertEncodesLikeJackson("x".repeat(at) + piece + "y".repeat(20 - at));
      }
    }
  }

  @Test
  void writesRandomStringsAsJacksonDoes() {
    Random random = new Random(42);
    for (int i = 0; i < 5_000; i++) {
      StringBuilder s = new StringBuilder();
      int length = random.nextInt(40);
      boolean ascii = random.nextBoolean(); // half of them letters only, for the fast path
      for (int j = 0; j < length; j++) {
        s.append(ascii ? (char) ('a' + random.nextInt(26)) : PIECES[random.nextInt(PIECES.length)]);
      }
      assertEncodesLikeJackson(s.toString());
    }
  }

  @Test
  void keepsJacksonsAnnotationsAndContainers() {
    Sparse sparse = new Sparse("", "{\"a\":1}", List.of("x", "y\n"), new String[] {"?", "\u00e9"});
    assertEncodesLikeJackson(sparse);
    assertEquals("{\"raw\":{\"a\":1},\"list\":[\"x\",\"y\\n\"],\"array\":[\"?\",\"\u00e9\"]}",
        new String(ClientJson.encodeBytes(sparse), StandardCharsets.UTF_8));
  }

  private static void assertEncodesLikeJackson(String s) {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put(s, s);
    List<Object> values = new ArrayList<>(List.of(new Tick(s, 7, s), map, List.of(s, s), new String[] {s}));
    values.add(s);
    for (Object value : values) assertEncodesLikeJackson(value);
  }

  private static void assertEncodesLikeJackson(Object value) {
    try {
      assertArrayEquals(JACKSON.writeValueAsBytes(value), ClientJson.encodeBytes(value), () -> "bytes of " + value);
      assertEquals(JACKSON.writeValueAsString(value), ClientJson.encode(value), () -> "text of " + value);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
