package org.universis.racket.relay.internal.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventBatchReaderTest {

  private static List<RawEvent> read(String body, String type) {
    return EventBatchReader.read(body.getBytes(StandardCharsets.UTF_8), type);
  }

  private static String body(RawEvent e) {
    return new String(e.body(), StandardCharsets.UTF_8);
  }

  @Test
  void anObjectsTopLevelTypeNamesTheEventAndItsBytesAreKept() {
    List<RawEvent> events = read(" {\"type\":\"cache.invalidate\", \"key\" : 42 , \"x\":{\"type\":\"inner\"}} ", null);
    assertEquals(1, events.size());
    assertEquals("cache.invalidate", events.get(0).type());
    assertEquals("{\"type\":\"cache.invalidate\", \"key\" : 42 , \"x\":{\"type\":\"inner\"}}", body(events.get(0)));
  }

  @Test
  void aSliceOfALargerArrayIsReadOnItsOwnAndCutAtItsOwnOffsets() {
    byte[] stream = "{\"type\":\"a\"}\n[{\"type\":\"b.c\",\"n\":1}, 7]\r\n{\"tail\":".getBytes(StandardCharsets.UTF_8);
    int from = 13;
    int to = 39; // the line ends in CRLF: the CR stays in it
    List<RawEvent> events = EventBatchReader.read(stream, from, to, null);
    assertEquals(List.of("b.c", "message"), events.stream().map(RawEvent::type).toList());
    assertEquals(List.of("{\"type\":\"b.c\",\"n\":1}", "7"), events.stream().map(EventBatchReaderTest::body).toList());
    MalformedEventException e = assertThrows(MalformedEventException.class,
        () -> EventBatchReader.read(stream, to + 1, stream.length, null));
    assertTrue(e.getMessage().endsWith("at byte 8"), e.getMessage()); // counted from the slice
  }

  @Test
  void aTypeBelowTheTopLevelOrNotAStringIsIgnored() {
    assertEquals("message", read("{\"x\":{\"type\":\"inner\"}}", null).get(0).type());
    assertEquals("message", read("{\"type\":7}", null).get(0).type());
  }

  @Test
  void anArrayIsABatchOfAnyJsonValuesSlicedExactly() {
    List<RawEvent> events = read("[{\"type\":\"a.b\"},\n 12.5e3 ,\"str, with ]\", [1,[2]], true,null,-0.5]", null);
    assertEquals(List.of("a.b", "message", "message", "message", "message", "message", "message"),
        events.stream().map(RawEvent::type).toList());
    assertEquals(List.of("{\"type\":\"a.b\"}", "12.5e3", "\"str, with ]\"", "[1,[2]]", "true", "null", "-0.5"),
        events.stream().map(EventBatchReaderTest::body).toList());
  }

  @Test
  void theTypeParameterOverridesTheBody() {
    assertEquals("job.done", read("{\"type\":\"other\"}", "job.done").get(0).type());
  }

  @Test
  void lineBreaksBetweenTokensBecomeSpaces() {
    String body = body(read("{\r\n\"a\":\n[1,\n2]}", null).get(0));
    assertEquals("{  \"a\": [1, 2]}", body);
    // At every offset, including past the first eight bytes and in the tail after the last eight.
    for (int n = 0; n < 24; n++) {
      String pad = "x".repeat(n);
      for (String br : List.of("\n", "\r")) {
        assertEquals("{\"p\":\"" + pad + "\" ,\"b\":1 }",
            body(read("{\"p\":\"" + pad + "\"" + br + ",\"b\":1" + br + "}", null).get(0)), n + br);
      }
    }
  }

  @Test
  void aScalarAtTheRootIsOneEvent() {
    assertEquals("42", body(read("42", null).get(0)));
    assertEquals("\"hi\"", body(read("\"hi\"\n", null).get(0)));
  }

  @Test
  void badInputIsRefusedWithAMessageThatSaysWhy() {
    assertMessage("malformed JSON", "{\"a\":");
    assertMessage("malformed JSON", "{\"a\" 1}");
    assertMessage("empty", "");
    assertMessage("empty array", "[]");
    assertMessage("after the end", "{} {}");
    assertMessage("after the end", "[1] 2");
    assertMessage("dot-separated", "{\"type\":\"a b\"}");
    assertMessage("malformed JSON", "[1,]");
  }

  @Test
  void invalidUtf8IsRefused() {
    byte[] body = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
    assertThrows(MalformedEventException.class, () -> EventBatchReader.read(body, null));
  }

  @Test
  void aBadTypeParameterIsRefused() {
    MalformedEventException e = assertThrows(MalformedEventException.class, () -> read("{}", "a..b"));
    assertTrue(e.getMessage().contains("a..b"), e.getMessage());
  }

  @Test
  void jsonPastAParseLimitIsRefusedNamingTheLimit() {
    assertEquals(1, read("[".repeat(JsonLimits.MAX_DEPTH) + "]".repeat(JsonLimits.MAX_DEPTH), null).size());
    assertMessage("nested deeper than 1000 levels", "[".repeat(1001) + "]".repeat(1001));
    assertMessage("nested deeper than 1000 levels", "{\"a\":" + "[".repeat(100_000));
    assertEquals(1, read("{\"n\":" + "9".repeat(JsonLimits.MAX_NUMBER_LENGTH) + "}", null).size());
    assertMessage("number longer than 1000 characters", "{\"n\":" + "9".repeat(5_000) + "}");
    assertMessage("number longer than 1000 characters", "[1, 0." + "5".repeat(5_000) + "]");
    assertMessage("name longer than 50000 characters", "{\"" + "k".repeat(50_001) + "\":1}");
    // In a slice, as a line of a stream is read, the same.
    byte[] lines = ("{}\n" + "[".repeat(1001) + "\n{}").getBytes(StandardCharsets.UTF_8);
    MalformedEventException e = assertThrows(MalformedEventException.class,
        () -> EventBatchReader.read(lines, 3, lines.length - 3, null));
    assertTrue(e.getMessage().contains("nested deeper than 1000 levels"), e.getMessage());
  }

  @Test
  void bytesJacksonWouldTakeForUtf16AreRefusedNotSlicedAtCharacterOffsets() {
    // Found by EventBatchReaderFuzzTest: a NUL among the first four bytes made Jackson read
    // UTF-16, whose offsets count characters, and slicing failed with an index of -1.
    assertMessage("NUL byte at byte 0", "\u00002");
    assertMessage("NUL byte at byte 1", "2\u0000");
    assertThrows(MalformedEventException.class,
        () -> EventBatchReader.read(new byte[] {(byte) 0xFE, (byte) 0xFF, '{', '}'}, null));
  }

  @Test
  void truncatedInputAndWrongTypesAreRefused() {
    assertMessage("malformed JSON", "[{\"type\":\"a\"},{\"type\":");
    assertMessage("malformed JSON", "{\"type\":\"a\",\"b\":\"unterminated");
    assertMessage("malformed JSON", "\"\\u12");
    assertMessage("must not be empty", "{\"type\":\"\"}");
    assertEquals("message", read("{\"type\":7}", null).get(0).type()); // not a string: no type
  }

  private static void assertMessage(String says, String body) {
    MalformedEventException e = assertThrows(MalformedEventException.class, () -> read(body, null));
    assertTrue(e.getMessage().contains(says), "'" + e.getMessage() + "' says " + says);
  }
}
