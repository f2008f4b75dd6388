package org.universis.racket.relay.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.universis.racket.Origin;
import org.universis.racket.relay.internal.codec.Hello;
import org.universis.racket.relay.internal.codec.OriginJson;

/** The JVM client's hello ({@link Hello}) as the relay reads it ({@link WsMessage}). */
class HelloTest {

  private static WsMessage read(String hello) {
    byte[] b = hello.getBytes(StandardCharsets.UTF_8);
    List<WsMessage> messages = WsMessage.parseFrame(b, 0, b.length);
    assertEquals(1, messages.size());
    return messages.get(0);
  }

  @Test
  void theRelayReadsEveryFieldTheClientWrites() {
    Origin origin = new Origin("o-1", 4711, "hôst", "orders \"eu\"");
    String originJson = new String(OriginJson.write(origin), StandardCharsets.UTF_8);
    WsMessage m = read(Hello.write(originJson, "cache.>,orders.*", 42, "proof-1"));
    assertEquals(Hello.OP, m.op());
    assertEquals(origin, m.origin());
    assertEquals("cache.>,orders.*", m.types());
    assertEquals(42L, m.lastEventId());
    assertEquals(Hello.ACK_RUNS, m.acks());
    assertEquals("proof-1", m.proof());
    assertEquals((long) Hello.KEYED, m.protocol());
  }

  @Test
  void whatTheClientLeavesOutTheRelayReadsAsAbsent() {
    String originJson = new String(OriginJson.write(new Origin("o", 1, null, null)), StandardCharsets.UTF_8);
    WsMessage m = read(Hello.write(originJson, null, 0, null));
    assertNull(m.types());
    assertNull(m.lastEventId());
    assertNull(m.proof());
  }
}
