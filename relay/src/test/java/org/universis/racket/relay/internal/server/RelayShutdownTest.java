package org.universis.racket.relay.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.universis.racket.relay.Relay;
import org.universis.racket.relay.RelayConfig;

/** A relay that closes lets its subscribers have what it accepted, then says it is going away. */
class RelayShutdownTest {

  private static final int EVENTS = 3_000;

  @Test
  void closeDrainsWhatIsQueuedForASubscriberThenClosesWithGoingAway() throws Exception {
    Relay relay = Relay.start(RelayConfig.builder().port(0).daemonThreads(true).build());
    String base = "http://127.0.0.1:" + relay.port();
    try (RawWebSocket subscriber = new RawWebSocket(relay.port())) {
      subscriber.sendText(("{\"op\":\"hello\",\"origin\":{\"id\":\"drained\",\"pid\":1,\"host\":null,"
          + "\"name\":\"raw\"},\"types\":\"\"}").getBytes(StandardCharsets.UTF_8));
      assertTrue(text(subscriber.textFrame()).contains("\"welcome\""));
      // 2 KiB each, 6 MiB in all: more than the sockets' buffers hold while nobody reads.
      String pad = "x".repeat(2048);
      StringBuilder batch = new StringBuilder("[");
      for (int i = 0; i < 100; i++) batch.append(i == 0 ? "" : ",").append("{\"pad\":\"").append(pad).append("\"}");
      String body = batch.append(']').toString();
      for (int i = 0; i < EVENTS / 100; i++) {
        assertEquals(202, TestClients.post(base + "/events?type=drain.event", "application/json", body)
            .statusCode());
      }
      assertTrue(TestClients.metric(base, "racket_queue_depth") > 0, "nothing queued at the relay");

      CompletableFuture<Void> closing = CompletableFuture.runAsync(relay::close);
      int events = 0;
      RawWebSocket.Frame f;
      while ((f = subscriber.read()).opcode() != RawWebSocket.CLOSE) {
        for (String line : text(f).split("\n")) if (line.contains("\"drain.event\"")) events++;
      }
      assertEquals(EVENTS, events, "events received before the close frame");
      assertEquals(1001, f.code(), "going away");
      closing.get();
    } finally {
      relay.close();
    }
  }

  private static String text(RawWebSocket.Frame f) {
    return new String(f.payload(), StandardCharsets.UTF_8);
  }
}
