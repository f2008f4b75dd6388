package org.universis.racket.relay.internal.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The body of {@code POST /events}, fuzzed: whatever the bytes, the reader either refuses them
 * with a {@link MalformedEventException} or gives exactly the values Jackson reads from them, each
 * on one line and typed by its first top-level {@code "type"} string. Its fast syntax check,
 * {@link JsonScan}, never vouches for what Jackson refuses. Runs over the committed inputs in every
 * build; {@code .ci/fuzz} fuzzes each target for a while.
 */
class EventBatchReaderFuzzTest {

  private static final JsonFactory JSON = JsonLimits.factory();
  private static final ObjectMapper MAPPER = new ObjectMapper(JSON);

  @FuzzTest(maxDuration = "30s")
  void postBody(byte[] body) throws IOException {
    List<RawEvent> events;
    try {
      events = EventBatchReader.read(body, null);
    } catch (MalformedEventException e) {
      assertFalse(e.getMessage().isEmpty());
      return;
    }
    JsonNode whole = MAPPER.readTree(body); // accepted: Jackson, with the same limits, reads it too
    List<JsonNode> values = new ArrayList<>();
    if (whole.isArray()) whole.forEach(values::add);
    else values.add(whole);
    assertEquals(values.size(), events.size());
    for (int i = 0; i < values.size(); i++) {
      byte[] slice = events.get(i).body();
      for (byte b : slice) assertFalse(b == '\n' || b == '\r', "a line break in an event");
      assertEquals(values.get(i), MAPPER.readTree(slice));
      String type = firstType(slice);
      assertEquals(type == null ? EventBatchReader.DEFAULT_TYPE : type, events.get(i).type());
    }
  }

  @FuzzTest(maxDuration = "30s")
  void jsonScan(byte[] input) throws IOException {
    if (!JsonSlice.isUtf8(input, 0, input.length)) return; // checked before, wherever it runs
    int end = JsonScan.valueEnd(input, 0, input.length);
    if (end < 0) return; // not vouched for: Jackson decides
    try (JsonParser p = JSON.createParser(input, 0, end)) {
      p.nextToken();
      p.skipChildren();
      assertNull(p.nextToken(), "one value ends where the scan says");
    }
  }

  // The first top-level "type" that is a string, as the relay types an event by.
  private static String firstType(byte[] value) throws IOException {
    try (JsonParser p = JSON.createParser(value)) {
      if (p.nextToken() != JsonToken.START_OBJECT) return null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        if (p.nextToken() == JsonToken.VALUE_STRING && name.equals("type")) return p.getText();
        p.skipChildren();
      }
      return null;
    }
  }
}
