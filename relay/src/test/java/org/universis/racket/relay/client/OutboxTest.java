package org.universis.racket.relay.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class OutboxTest {

  private static String line(long seq, String type, String body) {
    return new String(Outbox.emitLine(seq, type, body.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
  }

  @Test
  void emitLinesAreLaidOutAsTheRelayReadsThemByPosition() {
    // The exact layout WsMessage reads without a parser (WsMessageTest has the other side).
    for (long seq = 1; seq > 0 && seq <= Long.MAX_VALUE / 10; seq = seq * 10 + 7) {
      assertEquals("{\"op\":\"emit\",\"seq\":" + seq + ",\"type\":\"cache.invalidate\",\"body\":{\"k\":\"é\"}}",
          line(seq, "cache.invalidate", "{\"k\":\"é\"}"));
    }
    assertEquals("{\"op\":\"emit\",\"seq\":" + Long.MAX_VALUE + ",\"type\":\"a\",\"body\":1}",
        line(Long.MAX_VALUE, "a", "1"));
    assertEquals("{\"op\":\"emit\",\"seq\":3,\"body\":{\"type\":\"from.body\"}}",
        line(3, null, "{\"type\":\"from.body\"}"));
  }
}
