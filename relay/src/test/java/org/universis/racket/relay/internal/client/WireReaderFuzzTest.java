package org.universis.racket.relay.internal.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.universis.racket.Origin;
import org.universis.racket.relay.internal.codec.Envelope;
import org.universis.racket.relay.internal.codec.JsonSlice;
import org.universis.racket.relay.internal.codec.OriginJson;
import org.universis.racket.spi.TypeFilter;

/**
 * The client's reader of what the relay sends, fuzzed: any bytes are refused with a
 * {@link WireReader.MalformedLine} that quotes none of them, or read into events whose body is the
 * JSON value Jackson finds in the line; and an event as the relay encodes it comes back whole.
 */
class WireReaderFuzzTest {

  private final WireReader reader = new WireReader();
  private final List<ReceivedEvent> events = new ArrayList<>();
  private final List<RelayMessage> messages = new ArrayList<>();
  private final WireReader.Sink sink = new WireReader.Sink() {
    @Override
    public void event(ReceivedEvent event) {
      events.add(event);
    }

    @Override
    public void message(RelayMessage message) {
      messages.add(message);
    }
  };

  @FuzzTest(maxDuration = "30s")
  void wireMessage(byte[] text) throws Exception {
    try {
      reader.read(text, text.length, sink);
    } catch (WireReader.MalformedLine e) {
      String m = e.getMessage();
      assertTrue(m.startsWith("the relay sent a malformed line of "), m);
      for (char c : "\"{}[]".toCharArray()) assertTrue(m.indexOf(c) < 0, () -> "quotes the line: " + m);
    }
    for (ReceivedEvent e : events) {
      assertTrue(e.id() > 0 && !e.type().isEmpty(), e::toString);
      JsonNode body = ClientJson.MAPPER.readTree(e.json()).get("body");
      assertEquals(body == null ? null : ClientJson.MAPPER.treeToValue(body, Object.class), e.body());
    }
    for (RelayMessage m : messages) assertTrue(m.op() != null, m::toString);
  }

  @FuzzTest(maxDuration = "30s")
  void relayEnvelope(FuzzedDataProvider data) throws Exception {
    long id = data.consumeLong(1, Long.MAX_VALUE);
    String type = data.consumeString(40);
    try {
      TypeFilter.checkType(type);
    } catch (IllegalArgumentException e) {
      type = "t." + Math.abs(type.hashCode() % 1000);
    }
    long time = data.consumeLong(0, Long.MAX_VALUE);
    long seq = data.consumeLong(0, Long.MAX_VALUE);
    Origin origin = new Origin(data.consumeString(20), data.consumeLong(),
        data.consumeBoolean() ? null : data.consumeString(20), data.consumeBoolean() ? null : data.consumeString(20));
    Map<String, Object> tree = new LinkedHashMap<>();
    tree.put(data.consumeString(10), data.consumeString(30));
    tree.put("n", data.consumeBoolean() ? data.consumeLong() : data.consumeRegularDouble());
    tree.put("l", List.of(data.consumeInt(), data.consumeString(10)));
    Object value = data.consumeBoolean() ? tree : data.consumeRemainingAsString();
    byte[] body = ClientJson.MAPPER.writeValueAsBytes(value);
    byte[] line = Envelope.encode(id, type, time, OriginJson.write(origin), seq, body);
    assertFalse(new String(line, StandardCharsets.UTF_8).contains("\n"));
    assertEquals(JsonSlice.lineEnd(line, 0, line.length), line.length);
    for (int twice = 0; twice < 2; twice++) { // the second time, the origin is a known one
      reader.read(line, line.length, sink);
      ReceivedEvent e = events.remove(0);
      assertEquals(List.of(id, type, time, seq, origin), List.of(e.id(), e.type(), e.time().toEpochMilli(), e.seq(), e.origin()));
      assertEquals(ClientJson.MAPPER.readValue(body, Object.class), e.body());
      assertEquals(new String(line, StandardCharsets.UTF_8), e.json());
    }
  }
}
