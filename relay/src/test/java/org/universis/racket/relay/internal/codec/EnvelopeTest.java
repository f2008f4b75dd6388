package org.universis.racket.relay.internal.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.universis.racket.Origin;

class EnvelopeTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void envelopeHasTheFieldsInOrderAndTheBodyByteForByte() throws Exception {
    byte[] origin = OriginJson.write(new Origin("o-1", 4711, "web-1", "orders"));
    String body = "{\"key\" : 42,\"é\":\"\\u00e9\"}";
    // The body as the relay finds it: in the frame it came in, between other messages' bytes.
    String frame = "{\"op\":\"emit\",\"body\":" + body + "}\n{\"op\":\"ping\"}";
    int from = frame.indexOf(body); // the bytes before it are ASCII
    byte[] envelope = Envelope.encode(1764201600123904L, "cache.invalidate", 1764201600123L,
        origin, 17, frame.getBytes(StandardCharsets.UTF_8), from, from + body.getBytes(StandardCharsets.UTF_8).length);
    String text = new String(envelope, StandardCharsets.UTF_8);
    assertEquals("{\"id\":1764201600123904,\"type\":\"cache.invalidate\",\"time\":1764201600123,"
        + "\"origin\":{\"id\":\"o-1\",\"pid\":4711,\"host\":\"web-1\",\"name\":\"orders\"},\"seq\":17,"
        + "\"body\":" + body + "}", text);
    JsonNode node = JSON.readTree(envelope);
    assertEquals(List.of("id", "type", "time", "origin", "seq", "body"), List.copyOf(iterable(node)));
  }

  @Test
  void theTypeIsReadBackFromTheEnvelope() {
    byte[] origin = OriginJson.write(new Origin("o", 1, "h", "n"));
    for (String type : List.of("a", "cache.invalidate", "job-7_done:x")) {
      byte[] envelope = Envelope.encode(42, type, 1, origin, 3, "{\"type\":\"other\"}".getBytes(StandardCharsets.UTF_8));
      assertEquals(type, Envelope.type(envelope, 42));
    }
  }

  @Test
  void originTextIsEscapedAndANullNameStaysNull() throws Exception {
    byte[] origin = OriginJson.write(new Origin("a\"b\nc", 0, "h", null));
    String text = new String(origin, StandardCharsets.UTF_8);
    assertFalse(text.contains("\n"), "no raw line break");
    JsonNode node = JSON.readTree(origin);
    assertEquals("a\"b\nc", node.get("id").asText());
    assertEquals(true, node.get("name").isNull());
  }

  @Test
  void numbersOfEveryLengthAndSignAreWrittenAsLongToStringWould() {
    byte[] origin = OriginJson.write(new Origin("o", 1, "h", null));
    List<Long> values = new java.util.ArrayList<>(List.of(0L, -1L, Long.MAX_VALUE, Long.MIN_VALUE));
    for (long p = 1; p > 0 && p <= Long.MAX_VALUE / 10; p *= 10) values.addAll(List.of(p - 1, p, p + 1, -p));
    for (long v : values) {
      String envelope = new String(Envelope.encode(v, "t", v, origin, v, "1".getBytes(StandardCharsets.UTF_8)),
          StandardCharsets.UTF_8);
      assertEquals("{\"id\":" + v + ",\"type\":\"t\",\"time\":" + v + ",\"origin\":"
          + new String(origin, StandardCharsets.UTF_8) + ",\"seq\":" + v + ",\"body\":1}", envelope);
      assertEquals("t", Envelope.type(envelope.getBytes(StandardCharsets.UTF_8), v));
      assertEquals("{\"op\":\"ack\",\"seq\":" + v + ",\"id\":" + (v / 3) + "}",
          new String(Ack.write(v, v / 3, 1), StandardCharsets.US_ASCII));
      for (int count : new int[] {2, 10, Integer.MAX_VALUE}) {
        assertEquals("{\"op\":\"ack\",\"seq\":" + v + ",\"id\":" + (v / 3) + ",\"count\":" + count + "}",
            new String(Ack.write(v, v / 3, count), StandardCharsets.US_ASCII));
      }
    }
  }

  private static List<String> iterable(JsonNode node) {
    List<String> names = new java.util.ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
