package org.universis.racket.relay.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.universis.racket.relay.internal.codec.JsonLimits;
import org.universis.racket.relay.internal.codec.JsonSlice;
import org.universis.racket.relay.internal.codec.MalformedEventException;

/**
 * The WebSocket message parser, fuzzed over what a text frame may hold (UTF-8, as the connection
 * checked it): a {@link MalformedEventException} or messages, and then the same messages as
 * Jackson alone reads, every body one JSON value on one line.
 */
class WsMessageFuzzTest {

  private static final ObjectMapper MAPPER = new ObjectMapper(JsonLimits.factory());

  @FuzzTest(maxDuration = "30s")
  void wsMessage(byte[] frame) {
    if (!JsonSlice.isUtf8(frame, 0, frame.length)) return; // closed with 1007 before this
    List<String> fast;
    List<String> jackson;
    try {
      fast = describe(WsMessage.parseFrame(frame.clone(), 0, frame.length));
    } catch (MalformedEventException e) {
      assertFalse(e.getMessage().isEmpty());
      fast = null;
    }
    try {
      jackson = describe(WsMessage.parseWithJackson(frame.clone()));
    } catch (MalformedEventException e) {
      jackson = null;
    }
    assertEquals(jackson, fast, "the fast reading and Jackson's agree");
  }

  private static List<String> describe(List<WsMessage> messages) {
    return messages.stream().map(m -> {
      assertNotNull(m.op());
      byte[] body = Arrays.copyOfRange(m.frame(), m.bodyFrom(), m.bodyTo());
      if (m.hasBody()) {
        for (byte b : body) assertFalse(b == '\n' || b == '\r', "a line break in a body");
        try {
          MAPPER.readTree(body); // one whole value
        } catch (IOException e) {
          throw new AssertionError("a body that is not JSON: " + e.getMessage(), e);
        }
      }
      return m.op() + "|" + m.seq() + "|" + m.type() + "|" + new String(body, java.nio.charset.StandardCharsets.UTF_8)
          + "|" + m.bodyType() + "|" + m.types() + "|" + m.origin() + "|" + m.lastEventId() + "|" + m.acks();
    }).toList();
  }
}
