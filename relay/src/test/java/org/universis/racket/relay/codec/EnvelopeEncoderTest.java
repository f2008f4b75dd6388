package org.universis.racket.relay.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.universis.racket.Origin;

class EnvelopeEncoderTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void envelopeHasTheFieldsInOrderAndTheBodyByteForByte() throws Exception {
    byte[] origin = EnvelopeEncoder.origin(new Origin("o-1", 4711, "web-1", "orders"));
    String body = "{\"key\" : 42,\"é\":\"\\u00e9\"}";
    byte[] envelope = EnvelopeEncoder.encode(1764201600123904L, "cache.invalidate", 1764201600123L,
        origin, 17, body.getBytes(StandardCharsets.UTF_8));
    String text = new String(envelope, StandardCharsets.UTF_8);
    assertEquals("{\"id\":1764201600123904,\"type\":\"cache.invalidate\",\"time\":1764201600123,"
        + "\"origin\":{\"id\":\"o-1\",\"pid\":4711,\"host\":\"web-1\",\"name\":\"orders\"},\"seq\":17,"
        + "\"body\":" + body + "}", text);
    JsonNode node = JSON.readTree(envelope);
    assertEquals(List.of("id", "type", "time", "origin", "seq", "body"), List.copyOf(iterable(node)));
  }

  @Test
  void originTextIsEscapedAndANullNameStaysNull() throws Exception {
    byte[] origin = EnvelopeEncoder.origin(new Origin("a\"b\nc", 0, "h", null));
    String text = new String(origin, StandardCharsets.UTF_8);
    assertFalse(text.contains("\n"), "no raw line break");
    JsonNode node = JSON.readTree(origin);
    assertEquals("a\"b\nc", node.get("id").asText());
    assertEquals(true, node.get("name").isNull());
  }

  private static List<String> iterable(JsonNode node) {
    List<String> names = new java.util.ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
