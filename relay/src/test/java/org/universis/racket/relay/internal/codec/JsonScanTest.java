package org.universis.racket.relay.internal.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** JsonScan against Jackson: never more lenient, and it vouches for what clients send. */
class JsonScanTest {

  private static final JsonFactory JSON = new JsonFactory();

  @Test
  void valuesOfEveryKindAreVouchedForUpToTheirLastByte() {
    for (String v : List.of("0", "-0", "12.5e3", "-7E-2", "1e+9", "true", "false", "null", "\"\"",
        "\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9\\uD83D\\uDE00 é ☃ 😀\"", "[]", "{}", "[1,[2,[3]],{\"a\":{}}]",
        "{ \"a\" : 1 ,\n\"b\":[ true , null ] }", "[" + "[".repeat(60) + "]".repeat(60) + "]")) {
      byte[] b = (v + ",rest").getBytes(StandardCharsets.UTF_8);
      assertEquals(v.getBytes(StandardCharsets.UTF_8).length, JsonScan.valueEnd(b, 0, b.length), v);
    }
  }

  @Test
  void everyQuoteBackslashAndControlCharacterCountsWhereverItStandsInAString() throws Exception {
    // Strings are scanned eight bytes at a time: put each byte that matters at every place of
    // the first words, among ASCII and multi-byte characters, and ask Jackson each time.
    int vouched = 0;
    for (String filler : List.of("a", "é", "☃")) {
      for (String odd : List.of("\"", "\\\"", "\\n", "\\u00e9", " ", "\u007f", // fine
          "\\x", "\u0001", "\t", "\u001f")) { // refused
        for (int at = 0; at < 20; at++) {
          String v = "\"" + filler.repeat(at) + odd + filler.repeat(20 - at) + "\"";
          byte[] b = (v + "]").getBytes(StandardCharsets.UTF_8);
          int end = JsonScan.valueEnd(b, 0, b.length);
          if (end >= 0) {
            assertTrue(jacksonReadsOneValue(b, end), v + " to " + end);
            vouched++;
          } else {
            assertTrue(!jacksonReadsOneValue(b, b.length - 1), v + " is refused by Jackson too");
          }
        }
      }
    }
    assertEquals(3 * 6 * 20, vouched, "the six fine ones, from a quote that ends the string early");
  }

  @Test
  void aNameWithAnEscapedSurrogateIsLeftToJacksonWhichRefusesABrokenPair() throws Exception {
    // Found by EventBatchReaderFuzzTest#jsonScan: vouched for, and refused by Jackson.
    byte[] broken = "{\"a\\ud83d\\\"ub\":null}".getBytes(StandardCharsets.UTF_8);
    assertEquals(-1, JsonScan.valueEnd(broken, 0, broken.length));
    assertTrue(!jacksonReadsOneValue(broken, broken.length));
    byte[] paired = "{\"\\ud83d\\ude00\":1}".getBytes(StandardCharsets.UTF_8);
    assertEquals(-1, JsonScan.valueEnd(paired, 0, paired.length));
    assertTrue(jacksonReadsOneValue(paired, paired.length), "Jackson decides");
    byte[] inAValue = "{\"a\":\"\\ud83d\\\"\"}".getBytes(StandardCharsets.UTF_8);
    assertEquals(inAValue.length, JsonScan.valueEnd(inAValue, 0, inAValue.length));
    assertTrue(jacksonReadsOneValue(inAValue, inAValue.length), "a lone surrogate in a value is a char");
  }

  @Test
  void longNamesAreLeftToJacksonWhichLimitsThem() {
    byte[] ok = ("{\"" + "k".repeat(JsonScan.MAX_NAME) + "\":1}").getBytes(StandardCharsets.UTF_8);
    assertEquals(ok.length, JsonScan.valueEnd(ok, 0, ok.length));
    byte[] tooLong = ("{\"" + "k".repeat(JsonScan.MAX_NAME + 1) + "\":1}").getBytes(StandardCharsets.UTF_8);
    assertEquals(-1, JsonScan.valueEnd(tooLong, 0, tooLong.length));
    // Jackson refuses a 60,000-byte name: the scan must never be the one that lets it through.
    byte[] refused = ("{\"" + "k".repeat(60_000) + "\":1}").getBytes(StandardCharsets.UTF_8);
    assertEquals(-1, JsonScan.valueEnd(refused, 0, refused.length));
    assertTrue(!jacksonReadsOneValue(refused, refused.length), "Jackson's own limit");
  }

  @Test
  void whatItVouchesForJacksonReadsAsOneValueEndingAtTheSamePlace() throws Exception {
    // Random documents, then random one-byte changes to them: wherever the scan says "a value
    // ends here", Jackson must agree. (Where it says -1, the relay asks Jackson anyway.)
    Random random = new Random(20261127);
    byte[] alphabet = "{}[]\",:0123456789.-+eEtrufalsn \n\\/bu\"xé".getBytes(StandardCharsets.UTF_8);
    int vouched = 0;
    for (int round = 0; round < 20_000; round++) {
      byte[] doc = value(random, 0).getBytes(StandardCharsets.UTF_8);
      int changes = random.nextInt(3);
      for (int c = 0; c < changes && doc.length > 0; c++) {
        doc[random.nextInt(doc.length)] = alphabet[random.nextInt(alphabet.length)];
      }
      if (!isUtf8(doc)) continue; // the relay checks UTF-8 before
      int end = JsonScan.valueEnd(doc, 0, doc.length);
      if (end < 0) continue;
      vouched++;
      assertTrue(jacksonReadsOneValue(doc, end), () -> new String(doc, StandardCharsets.UTF_8) + " to " + end);
    }
    assertTrue(vouched > 10_000, "most documents are valid: " + vouched);
  }

  // Whether Jackson reads doc[0, end) as exactly one value: valid, and neither shorter nor longer.
  private static boolean jacksonReadsOneValue(byte[] doc, int end) {
    try (JsonParser p = JSON.createParser(doc, 0, end)) {
      JsonToken t = p.nextToken();
      if (t == null) return false;
      if (t == JsonToken.VALUE_STRING) p.getText(); // a string's escapes are checked when read
      p.skipChildren();
      return p.nextToken() == null;
    } catch (Exception e) {
      return false;
    }
  }

  private static String value(Random r, int depth) {
    int kind = depth > 4 ? r.nextInt(4) : r.nextInt(6);
    return switch (kind) {
      case 0 -> List.of("0", "-1", "3.25", "-0.5e-3", "12E+4", "7e2").get(r.nextInt(6));
      case 1 -> List.of("true", "false", "null").get(r.nextInt(3));
      case 2 -> "\"" + List.of("", "a", "é☃", "\\n", "\\\"q\\\"", "\\u00e9", "x\\\\y").get(r.nextInt(7)) + "\"";
      case 3 -> "\"s" + r.nextInt(100) + "\"";
      case 4 -> {
        StringBuilder b = new StringBuilder("[");
        for (int i = r.nextInt(4); i > 0; i--) b.append(value(r, depth + 1)).append(i > 1 ? "," : "");
        yield b.append("]").toString();
      }
      default -> {
        StringBuilder b = new StringBuilder("{");
        for (int i = r.nextInt(4); i > 0; i--) {
          b.append("\"k").append(i).append("\":").append(r.nextBoolean() ? " " : "").append(value(r, depth + 1))
              .append(i > 1 ? "," : "");
        }
        yield b.append("}").toString();
      }
    };
  }

  private static boolean isUtf8(byte[] b) {
    return java.nio.charset.StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
        .decode(java.nio.ByteBuffer.wrap(b), java.nio.CharBuffer.allocate(b.length), true).isUnderflow();
  }
}
