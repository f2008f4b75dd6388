package org.universis.racket.relay.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.universis.racket.relay.internal.server.TestClients.Sse;
import org.universis.racket.relay.internal.server.TestClients.SseEvent;
import org.universis.racket.relay.internal.server.TestClients.Ws;

/**
 * Identity on the relay (PROTOCOL.md, Identity): an origin id is one live connection's, its seq
 * only rises and never jumps, {@code racket.*} types are the relay's, and origin fields are capped.
 */
class IdentityIT {

  private static RelayProcess relay;
  private static String base;

  @BeforeAll
  static void start() throws Exception {
    relay = RelayProcess.start(List.of("-Xmx96m"));
    base = relay.url();
  }

  @AfterAll
  static void stop() throws Exception {
    if (relay != null) relay.close();
  }

  @Test
  void aSecondConnectionClaimingALiveOriginIdIsRefusedAndTheHolderGoesOn() throws Exception {
    long refusedBefore = TestClients.metric(base, "racket_origins_refused_total");
    try (Ws holder = new Ws(base)) {
      assertEquals("welcome", hello(holder, "taken", "t").get("op").asText());
      try (Ws squatter = new Ws(base)) {
        JsonNode error = hello(squatter, "taken", "t");
        assertEquals("origin_in_use", error.path("error").asText(), error.toString());
        assertEquals(1008, squatter.closeCode.get(10, TimeUnit.SECONDS));
      }
      assertEquals(refusedBefore + 1, TestClients.metric(base, "racket_origins_refused_total"));
      holder.send(emit(1, "identity.held"));
      assertEquals("ack", holder.take(1, 10, m -> m.has("op")).get(0).get("op").asText());
    }
    // Once the holder is gone, the id is free again.
    Await.until(() -> {
      try (Ws next = new Ws(base)) {
        return "welcome".equals(hello(next, "taken", "t").get("op").asText());
      }
    }, 10, "the origin id was never released");
  }

  @Test
  void aHolderSilentForTwoHeartbeatsLosesItsOriginIdToANewConnection() throws Exception {
    // A connection whose network died keeps its origin id only until it has been silent that long.
    try (RelayProcess quick = RelayProcess.start(List.of("-Xmx64m"), "--heartbeat", "1");
        Ws silent = new Ws(quick.url())) {
      assertEquals("welcome", hello(silent, "quiet", null).get("op").asText());
      try (Ws early = new Ws(quick.url())) {
        assertEquals("origin_in_use", hello(early, "quiet", null).path("error").asText());
      }
      Await.until(() -> {
        try (Ws next = new Ws(quick.url())) {
          return "welcome".equals(hello(next, "quiet", null).get("op").asText());
        }
      }, 10, "the silent holder kept the origin id");
      JsonNode replaced = silent.next(10);
      assertEquals("origin_in_use", replaced.path("error").asText(), replaced.toString());
      assertEquals(1008, silent.closeCode.get(10, TimeUnit.SECONDS));
    }
  }

  @Test
  void aSeqThatJumpsOrGoesBackIsRefusedAndNeverDelivered() throws Exception {
    try (Sse watcher = new Sse(base + "/events?types=jump.>", null); Ws ws = new Ws(base)) {
      hello(ws, "jumper", null);
      ws.send(emit(1, "jump.a") + "\n" + emit(1 + WsSession.MAX_SEQ_STEP + 1, "jump.forged")
          + "\n" + emit(1, "jump.again") + "\n" + emit(4_000_000_000_000_000_000L, "jump.forged")
          + "\n" + emit(1 + WsSession.MAX_SEQ_STEP, "jump.b"));
      List<JsonNode> answers = ws.take(5, 10, m -> m.has("op"));
      assertEquals(List.of("ack", "nack", "nack", "nack", "ack"),
          answers.stream().map(m -> m.get("op").asText()).toList(), answers::toString);
      assertTrue(answers.get(1).get("message").asText().contains("jumps"), answers.toString());
      assertTrue(answers.get(2).get("message").asText().contains("not above"), answers.toString());
      assertEquals("jump.a", watcher.events.poll(10, TimeUnit.SECONDS).event());
      assertEquals("jump.b", watcher.events.poll(10, TimeUnit.SECONDS).event());
    }
    // The origin's next connection: a re-send below its last seq is fine, a jump is not.
    Await.until(() -> {
      try (Ws again = new Ws(base)) {
        if (!"welcome".equals(hello(again, "jumper", null).get("op").asText())) return false;
        again.send(emit(4_000_000_000_000_000_000L, "jump.forged") + "\n" + emit(2, "jump.resent"));
        List<JsonNode> answers = again.take(2, 10, m -> m.has("op"));
        assertEquals("nack", answers.get(0).get("op").asText(), answers.toString());
        assertEquals("ack", answers.get(1).get("op").asText(), answers.toString());
        return true;
      }
    }, 10, "the origin id was never released");
  }

  @Test
  void anOriginNewToThisRelayMayStartAtAnySeqAsATakeoversReSendsDo() throws Exception {
    try (Ws ws = new Ws(base)) {
      hello(ws, "from-an-earlier-relay", null);
      ws.send(emit(1_000_000, "takeover.resent") + "\n" + emit(1_000_001, "takeover.next"));
      List<JsonNode> answers = ws.take(2, 10, m -> m.has("op"));
      assertEquals(List.of("ack", "ack"), answers.stream().map(m -> m.get("op").asText()).toList(),
          answers::toString);
    }
  }

  @Test
  void racketTypesAreTheRelaysOnEveryTransport() throws Exception {
    try (Sse watcher = new Sse(base + "/events", null); Ws ws = new Ws(base)) {
      assertRelays(TestClients.post(base + "/events?type=racket.resync", "application/json", "{}"));
      assertRelays(TestClients.post(base + "/events", "application/json",
          "[{\"type\":\"ok\"},{\"type\":\"racket.resync\",\"reason\":\"history\"}]"));
      assertRelays(TestClients.post(base + "/events", "application/x-ndjson",
          "{\"type\":\"racket.resync\"}\n"));
      hello(ws, "poser", null);
      ws.send(emit(1, "racket.resync") + "\n{\"op\":\"emit\",\"seq\":2,\"body\":{\"type\":\"racket.x\"}}");
      List<JsonNode> answers = ws.take(2, 10, m -> m.has("op"));
      for (JsonNode nack : answers) {
        assertEquals("nack", nack.get("op").asText(), answers.toString());
        assertTrue(nack.get("message").asText().contains("relay's"), answers.toString());
      }
      TestClients.emit(base, "{\"type\":\"identity.marker\"}");
      SseEvent first = watcher.events.poll(10, TimeUnit.SECONDS);
      assertEquals("identity.marker", first == null ? null : first.event(), "no racket.* event was delivered");
    }
  }

  @Test
  void originFieldsOver256CharactersAreRefusedOnTheWebSocket() throws Exception {
    try (Ws ws = new Ws(base)) {
      ws.send("{\"op\":\"hello\",\"origin\":{\"id\":\"long-name\",\"pid\":1,\"host\":\"h\",\"name\":\""
          + "n".repeat(257) + "\"}}");
      JsonNode error = ws.next(10);
      assertEquals("error", error.get("op").asText(), error.toString());
      assertTrue(error.get("message").asText().contains("256"), error.toString());
      assertEquals(1008, ws.closeCode.get(10, TimeUnit.SECONDS));
    }
    try (Ws ws = new Ws(base)) {
      ws.send("{\"op\":\"hello\",\"origin\":{\"id\":\"long-host\",\"pid\":1,\"host\":\""
          + "h".repeat(257) + "\"}}");
      assertEquals("error", ws.next(10).get("op").asText());
    }
  }

  private static void assertRelays(HttpResponse<String> answer) {
    assertEquals(400, answer.statusCode(), answer.body());
    assertTrue(answer.body().contains("relay's"), answer.body());
  }

  // The hello of origin `id`, and the relay's first answer (welcome or error).
  private static JsonNode hello(Ws ws, String id, String types) throws Exception {
    ws.send("{\"op\":\"hello\",\"origin\":{\"id\":\"" + id + "\",\"pid\":1,\"host\":\"h\",\"name\":\"t\"}"
        + (types == null ? "" : ",\"types\":\"" + types + "\"") + "}");
    return ws.next(10);
  }

  private static String emit(long seq, String type) {
    return "{\"op\":\"emit\",\"seq\":" + seq + ",\"type\":\"" + type + "\",\"body\":{}}";
  }
}
