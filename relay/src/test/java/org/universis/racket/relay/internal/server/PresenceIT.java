package org.universis.racket.relay.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.universis.racket.ConnectedClient;
import org.universis.racket.ProcessEventEmitter;
import org.universis.racket.RacketOptions;

/** The relay's racket.client.joined and racket.client.left events, and who is connected now. */
class PresenceIT {

  private static final List<String> RELAY_JVM = List.of("-XX:TieredStopAtLevel=1");

  @Test
  void presenceEventsArriveInOrderWithTheEventsAroundThemAndOnlyForFiltersThatNameThem() throws Exception {
    try (RelayProcess relay = RelayProcess.start(RELAY_JVM)) {
      String base = "http://127.0.0.1:" + relay.port();
      try (TestClients.Sse watch = new TestClients.Sse(base + "/events?types=racket.client.*,app.>", null);
          TestClients.Sse everything = new TestClients.Sse(base + "/events?types=>", null)) {
        TestClients.emit(base, "{\"type\":\"app.before\"}");
        try (ProcessEventEmitter bob = emitter(base, "bob")) {
          bob.emit("app.during", "hi").get(30, TimeUnit.SECONDS);
        }
        List<TestClients.SseEvent> seen = watch.take(3, 30); // app.before, joined, app.during
        seen.addAll(watch.take(1, 30)); // left: after bob's connection closed
        TestClients.emit(base, "{\"type\":\"app.after\"}");
        seen.addAll(watch.take(1, 30));

        assertEquals(List.of("app.before", "racket.client.joined", "app.during",
            "racket.client.left", "app.after"), seen.stream().map(TestClients.SseEvent::event).toList());
        assertIncreasing(seen);
        for (TestClients.SseEvent e : List.of(seen.get(1), seen.get(3))) {
          JsonNode body = e.data().get("body");
          assertEquals("ws", body.get("transport").asText());
          assertEquals("bob", body.get("origin").get("name").asText());
          assertEquals(ProcessHandle.current().pid(), body.get("origin").get("pid").asLong());
          assertEquals("relay", e.data().get("origin").get("id").asText(), "the relay's own event");
        }
        assertEquals(seen.get(1).data().get("body").get("origin").get("id"),
            seen.get(3).data().get("body").get("origin").get("id"));

        // '>' asks for the app's types only: the same three events, and no presence.
        List<String> plain = everything.take(3, 30).stream().map(TestClients.SseEvent::event).toList();
        assertEquals(List.of("app.before", "app.during", "app.after"), plain);
        assertNull(everything.events.poll(), "no presence event for '>'");
      }
    }
  }

  @Test
  void aNamedSseStreamJoinsAndLeavesAndAJvmSubscriberHearsIt() throws Exception {
    try (RelayProcess relay = RelayProcess.start(RELAY_JVM);
        ProcessEventEmitter watcher = emitter("http://127.0.0.1:" + relay.port(), "watcher")) {
      String base = "http://127.0.0.1:" + relay.port();
      List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
      watcher.subscribe("racket.client.*", e -> heard.add(e.type() + " " + e.body(JsonNode.class)
          .get("origin").get("name").asText() + " " + e.body(JsonNode.class).get("transport").asText()));
      watcher.emit("app.ready", 1).get(30, TimeUnit.SECONDS); // its subscription is at the relay
      new TestClients.Sse(base + "/events?types=app.>&name=dash", null).close();
      Await.until(() -> heard.contains("racket.client.left dash sse"), 30, () -> "dash left: " + heard);
      assertEquals(List.of("racket.client.joined dash sse", "racket.client.left dash sse"),
          heard.stream().filter(h -> h.contains(" dash ")).toList());
    }
  }

  @Test
  void clientsListsWhoIsConnectedAsGetClientsDoes() throws Exception {
    try (RelayProcess relay = RelayProcess.start(RELAY_JVM)) {
      String base = "http://127.0.0.1:" + relay.port();
      try (ProcessEventEmitter alice = emitter(base, "alice");
          ProcessEventEmitter bob = emitter(base, "bob");
          TestClients.Sse dash = new TestClients.Sse(base + "/events?types=racket.>&name=dash", null)) {
        alice.subscribe("app.>", e -> { });
        bob.emit("app.x", 1).get(30, TimeUnit.SECONDS);
        alice.emit("app.y", 1).get(30, TimeUnit.SECONDS); // alice's filter is at the relay
        Await.until(() -> TestClients.JSON.readTree(TestClients.get(base + "/clients").body())
            .get("clients").size() == 3, 30, "three clients");

        List<ConnectedClient> clients = bob.clients();
        JsonNode listed = TestClients.JSON.readTree(TestClients.get(base + "/clients").body()).get("clients");
        assertEquals(listed.size(), clients.size());
        List<ConnectedClient> sorted = new ArrayList<>(clients);
        sorted.sort(Comparator.comparing(ConnectedClient::address));
        List<JsonNode> rows = new ArrayList<>();
        listed.forEach(rows::add);
        rows.sort(Comparator.comparing(n -> n.get("address").asText()));
        for (int i = 0; i < rows.size(); i++) {
          JsonNode row = rows.get(i);
          ConnectedClient c = sorted.get(i);
          assertEquals(row.get("transport").asText(), c.transport());
          assertEquals(row.get("origin").get("id").asText(), c.origin().id());
          assertEquals(row.get("origin").get("name").asText(), c.origin().name());
          assertEquals(row.get("origin").get("pid").asLong(), c.origin().pid());
          assertEquals(row.get("types").asText(), c.types());
          assertEquals(row.get("since").asLong(), c.since());
        }
        assertEquals(List.of("alice", "bob", "dash"), clients.stream().map(c -> c.origin().name()).sorted().toList());
        ConnectedClient a = clients.stream().filter(c -> "alice".equals(c.origin().name())).findFirst().orElseThrow();
        assertEquals("app.>", a.types());
        assertTrue(clients.stream().anyMatch(c -> c.transport().equals("sse")));
      }
    }
  }

  private static ProcessEventEmitter emitter(String url, String name) {
    return new ProcessEventEmitter(RacketOptions.builder().url(url).name(name).mode(RacketOptions.Mode.CLIENT).build());
  }

  private static void assertIncreasing(List<TestClients.SseEvent> events) {
    for (int i = 1; i < events.size(); i++) {
      assertTrue(Long.parseLong(events.get(i).id()) > Long.parseLong(events.get(i - 1).id()),
          "ids rise: " + events);
    }
  }
}
