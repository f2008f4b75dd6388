package org.universis.racket.relay.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.universis.racket.Origin;
import org.universis.racket.ProcessEvent;
import org.universis.racket.ProcessEventEmitter;
import org.universis.racket.RacketOptions;
import org.universis.racket.relay.internal.server.TestClients.Ws;

/**
 * Origins once per connection (PROTOCOL.md, Origin keys): a JVM client, which asks for keyed
 * envelopes, and a WebSocket client of protocol 1 on the same relay both see every event's own
 * origin; so does a keyed client that replays events whose emitters have gone.
 */
class OriginKeysIT {

  private static RelayProcess relay;

  @BeforeAll
  static void start() throws Exception {
    relay = RelayProcess.start(List.of("-Xmx96m"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (relay != null) relay.close();
  }

  private static ProcessEventEmitter client(String name) {
    return new ProcessEventEmitter(RacketOptions.builder().url(relay.url())
        .mode(RacketOptions.Mode.CLIENT).name(name).build());
  }

  @Test
  void newAndOldClientsAndAReplayAllSeeEachEventsOwnOrigin() throws Exception {
    List<ProcessEvent> jvmGot = new ArrayList<>();
    Map<String, Origin> emitters = new HashMap<>(); // emitter name → the origin its events carry
    long firstId;
    try (ProcessEventEmitter subscriber = client("keyed-subscriber"); Ws old = new Ws(relay.url())) {
      subscriber.subscribe("keys.>", e -> {
        synchronized (jvmGot) {
          jvmGot.add(e);
        }
      });
      old.hello("keys.>", null);
      try (ProcessEventEmitter a = client("emitter-a"); ProcessEventEmitter b = client("emitter-b")) {
        // Until the subscriber's filter has reached the relay, a probe may go unseen: emit until one
        // arrives.
        Await.until(() -> {
          a.emit("keys.probe", 0).get();
          synchronized (jvmGot) {
            return !jvmGot.isEmpty();
          }
        }, 20, "the JVM subscriber never got a probe");
        firstId = a.emit("keys.a", 0).get();
        for (int i = 1; i < 4; i++) {
          b.emit("keys.b", i).get();
          a.emit("keys.a", i).get();
        }
        b.emit("keys.b", 4).get();
      }
      Await.until(() -> {
        synchronized (jvmGot) {
          return jvmGot.stream().filter(e -> e.id() >= firstId).count() == 8;
        }
      }, 20, "the JVM subscriber's events");
      synchronized (jvmGot) {
        for (ProcessEvent e : jvmGot) {
          if (e.id() < firstId) continue;
          String name = e.type().equals("keys.a") ? "emitter-a" : "emitter-b";
          assertEquals(name, e.origin().name(), "event " + e.id());
          assertEquals(e.origin(), emitters.computeIfAbsent(name, n -> e.origin()), "one origin per emitter");
        }
      }
      assertFalse(emitters.get("emitter-a").id().equals(emitters.get("emitter-b").id()));
      // The client of protocol 1 gets every envelope whole.
      List<JsonNode> whole = old.take(8, 20, m -> Ws.isEvent(m) && m.get("id").asLong() >= firstId);
      for (JsonNode m : whole) {
        assertFalse(m.has("o"), m.toString());
        assertEquals(origin(m.get("type").asText(), emitters), origin(m.get("origin")), m.toString());
      }
    }
    // Both emitters are gone; a keyed client replays their events from the history.
    try (Ws keyed = new Ws(relay.url())) {
      keyed.send("{\"op\":\"hello\",\"origin\":{\"id\":\"keyed-raw\",\"pid\":1,\"host\":null,\"name\":\"raw\"},"
          + "\"types\":\"keys.a,keys.b\",\"lastEventId\":" + (firstId - 1) + ",\"protocol\":2}");
      JsonNode welcome = keyed.next(10);
      assertEquals(2, welcome.get("protocol").asInt(), welcome.toString());
      Map<Integer, Origin> byKey = new HashMap<>();
      int introduced = 0;
      for (JsonNode m : keyed.take(8, 20, Ws::isEvent)) {
        int key = m.get("o").asInt();
        if (m.has("origin")) {
          introduced++;
          byKey.put(key, origin(m.get("origin")));
        }
        assertTrue(byKey.containsKey(key), "a key never introduced: " + m);
        assertEquals(origin(m.get("type").asText(), emitters), byKey.get(key), m.toString());
      }
      assertEquals(2, introduced, "each origin is sent once, with its key");
    }
  }

  private static Origin origin(String type, Map<String, Origin> emitters) {
    return emitters.get(type.equals("keys.a") ? "emitter-a" : "emitter-b");
  }

  private static Origin origin(JsonNode o) {
    return new Origin(o.get("id").asText(), o.get("pid").asLong(),
        o.get("host").isNull() ? null : o.get("host").asText(),
        o.get("name").isNull() ? null : o.get("name").asText());
  }
}
