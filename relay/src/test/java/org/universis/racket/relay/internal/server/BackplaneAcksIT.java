package org.universis.racket.relay.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.universis.racket.relay.internal.server.TestClients.Ws;

/**
 * A WebSocket emitter that asks for run acks gets them from a relay on a real redis-server as from
 * one without a backplane: one ack per run, in order, each only once Redis holds the run.
 */
class BackplaneAcksIT {

  @Test
  void eachRunGetsOneAckInOrderOnlyOnceRedisTookIt() throws Exception {
    try (RedisServer redis = RedisServer.durable();
        RelayProcess relay = RelayProcess.start(List.of("-Xmx128m", "-XX:TieredStopAtLevel=1"),
            "--backplane", redis.url());
        Ws emitter = new Ws(relay.url());
        Ws subscriber = new Ws(relay.url())) {
      emitter.send("{\"op\":\"hello\",\"origin\":{\"id\":\"runs\",\"pid\":1,\"host\":\"h\",\"name\":\"t\"},"
          + "\"acks\":\"runs\"}");
      assertEquals("welcome", emitter.next(10).path("op").asText());
      subscriber.hello("runs", null);
      Await.until(() -> TestClients.metric(relay.url(), "racket_subscribers") >= 2, 20, "subscribers");
      emitter.send(frame(1, 5)); // emit 5 is refused: its type is malformed
      List<JsonNode> answers = new ArrayList<>(emitter.take(3, 30, m -> m.has("op")));

      redis.kill();
      emitter.send(frame(11, 0));
      emitter.send(frame(21, 0));
      Await.until(() -> health(relay).path("backplaneHeld").asInt() == 20, 30, "both runs held");
      assertTrue(emitter.messages.stream().noneMatch(m -> m.has("op")),
          "no answer while Redis is down: " + emitter.messages);
      redis.start();
      answers.addAll(emitter.take(2, 60, m -> m.has("op")));

      List<String> acks = answers.stream().filter(m -> m.path("op").asText().equals("ack"))
          .map(m -> m.get("seq").asLong() + " x" + m.path("count").asInt(1)).toList();
      assertEquals(List.of("4 x4", "10 x5", "20 x10", "30 x10"), acks, "one ack per run, in order");
      assertEquals(1, answers.stream().filter(m -> m.path("op").asText().equals("nack")
          && m.get("seq").asLong() == 5).count(), "the refused emit's nack: " + answers);
      // Each ack's id is its run's last event; the run's events are the ids just before it.
      List<JsonNode> events = subscriber.take(29, 30, Ws::isEvent);
      int e = 0;
      for (JsonNode ack : answers) {
        if (!ack.path("op").asText().equals("ack")) continue;
        int count = ack.path("count").asInt(1);
        for (int i = 0; i < count; i++, e++) {
          assertEquals(ack.get("id").asLong() - count + 1 + i, events.get(e).get("id").asLong());
          assertEquals(ack.get("seq").asLong() - count + 1 + i, events.get(e).get("body").get("n").asLong());
        }
      }
      assertEquals(29, e);
    }
  }

  // Ten emits from seq first in one frame; the one with seq refused (if any) has a malformed type.
  private static String frame(int first, int refused) {
    StringBuilder frame = new StringBuilder();
    for (int seq = first; seq < first + 10; seq++) {
      frame.append("{\"op\":\"emit\",\"seq\":").append(seq).append(",\"type\":\"")
          .append(seq == refused ? "bad type" : "runs").append("\",\"body\":{\"n\":").append(seq).append("}}\n");
    }
    return frame.toString();
  }

  private static JsonNode health(RelayProcess relay) throws Exception {
    return TestClients.JSON.readTree(TestClients.get(relay.url() + "/health").body());
  }
}
