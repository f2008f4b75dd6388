package org.universis.racket.relay.internal.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.universis.racket.relay.internal.client.Children.Seen;
import org.universis.racket.relay.internal.server.RelayProcess;

/** Three client JVMs and a relay JVM, all separate processes. */
class CrossProcessIT {

  private static final List<String> RELAY_JVM = List.of("-XX:TieredStopAtLevel=1"); // start fast

  @Test
  void threeJvmsReceiveEveryEventInTheSameOrderAndFiltersSelect() throws Exception {
    try (RelayProcess relay = RelayProcess.start(RELAY_JVM)) {
      // A relay on a non-default port, reached as new ProcessEventEmitter("http://localhost:<port>/").
      String url = "http://localhost:" + relay.port() + "/";
      try (ChildJvm a = Children.emitter("a", url, ">", "order.*");
          ChildJvm b = Children.emitter("b", url, ">", "audit.>");
          ChildJvm c = Children.emitter("c", url, ">", "order.created,audit.*.failed")) {
        List<ChildJvm> all = List.of(a, b, c);
        for (ChildJvm child : all) child.send("ready");
        for (ChildJvm child : all) child.await("READY"::equals, 60, "READY");

        a.send("emit order.created 1 10");
        b.send("emit audit.login.ok 1 5");
        b.send("emit audit.login.failed 6 10");
        c.send("emit order.paid.eu 1 5");
        c.send("emit order.created 6 10");
        for (ChildJvm child : all) child.awaitCount(l -> Children.isEvent(l, ">"), 30, 60, "events");
        assertEquals(15, a.awaitCount(l -> Children.isEvent(l, "order.*"), 15, 30, "order.* events").size());
        assertEquals(10, b.awaitCount(l -> Children.isEvent(l, "audit.>"), 10, 30, "audit.> events").size());
        c.awaitCount(l -> Children.isEvent(l, "order.created,audit.*.failed"), 20, 30, "filtered events");
        for (ChildJvm child : all) child.send("quit");
        for (ChildJvm child : all) assertEquals(0, child.awaitExit(30));

        List<Long> order = ids(Children.seen(a, ">"));
        for (ChildJvm child : all) {
          List<Seen> everything = Children.seen(child, ">");
          assertEquals(order, ids(everything), "every JVM sees the same events in the same order");
          assertEquals(30, keys(everything).size(), "30 distinct events, none twice");
          assertIncreasing(order);
          assertOriginFifo(everything);
        }
        assertTypes(Children.seen(a, "order.*"), Map.of("order.created", 15));
        assertTypes(Children.seen(b, "audit.>"), Map.of("audit.login.ok", 5, "audit.login.failed", 5));
        assertTypes(Children.seen(c, "order.created,audit.*.failed"),
            Map.of("order.created", 15, "audit.login.failed", 5));
      }
    }
  }

  @Test
  void clientsReconnectByThemselvesWhenTheRelayIsKilledAndLoseNothing() throws Exception {
    int port = RelayProcess.freePort();
    String url = "http://127.0.0.1:" + port;
    RelayProcess first = RelayProcess.start(RELAY_JVM, "--port", String.valueOf(port));
    try (ChildJvm a = Children.emitter("a", url, ">");
        ChildJvm b = Children.emitter("b", url, ">")) {
      a.send("ready");
      b.send("ready");
      a.await("READY"::equals, 60, "READY");
      b.await("READY"::equals, 60, "READY");
      a.send("emit test.before 1 20");
      a.await("EMITTED 20"::equals, 60, "acks before the outage");
      b.awaitCount(l -> Children.isEvent(l, ">"), 20, 30, "events before the outage");

      first.kill();
      a.send("emit test.during 21 40");
      try (RelayProcess second = RelayProcess.start(RELAY_JVM, "--port", String.valueOf(port))) {
        a.await("EMITTED 40"::equals, 60, "acks after the outage");
        for (ChildJvm child : List.of(a, b)) {
          child.awaitCount(l -> Children.isEvent(l, ">"), 40, 60, "events before and after the outage");
        }
        a.send("quit");
        b.send("quit");
        assertEquals(0, a.awaitExit(30));
        assertEquals(0, b.awaitExit(30));
      }
      for (ChildJvm child : List.of(a, b)) {
        List<Seen> seen = Children.seen(child, ">");
        assertEquals(40, seen.size(), "no event twice: " + seen);
        assertEquals(40, keys(seen).size());
        assertOriginFifo(seen);
        for (int i = 0; i < 40; i++) {
          assertEquals(i < 20 ? "test.before" : "test.during", seen.get(i).type());
        }
      }
    } finally {
      first.close();
    }
  }

  @Test
  void anotherJvmTakesOverWhenTheJvmHostingTheRelayDiesAndNothingIsLost() throws Exception {
    String url = "http://127.0.0.1:" + RelayProcess.freePort();
    try (ChildJvm host = Children.inMode("auto", "host", url, ">")) {
      // Nothing listens at the url: the first JVM in auto mode hosts the relay.
      host.send("ready");
      host.await("READY"::equals, 60, "READY");
      try (ChildJvm b = Children.inMode("auto", "b", url, ">");
          ChildJvm c = Children.inMode("auto", "c", url, ">")) {
        b.send("ready");
        c.send("ready");
        b.await("READY"::equals, 60, "READY");
        c.await("READY"::equals, 60, "READY");
        b.send("emit test.before 1 10");
        b.await("EMITTED 10"::equals, 60, "acks from the first relay");
        c.awaitCount(l -> Children.isEvent(l, ">"), 10, 30, "events from the first relay");

        host.kill();
        b.send("emit test.after 11 20");
        b.await("EMITTED 20"::equals, 60, "acks from the relay that took over");
        c.awaitCount(l -> Children.isEvent(l, ">"), 20, 30, "events after the takeover");
        b.send("quit");
        c.send("quit");
        assertEquals(0, b.awaitExit(30));
        assertEquals(0, c.awaitExit(30));
        List<Seen> seen = Children.seen(c, ">");
        assertEquals(20, seen.size(), "none twice, though b re-sent its recent events: " + seen);
        assertEquals(20, keys(seen).size());
        assertOriginFifo(seen);
      }
    }
  }

  private static List<Long> ids(List<Seen> seen) {
    return seen.stream().map(Seen::id).collect(Collectors.toList());
  }

  private static Set<String> keys(List<Seen> seen) {
    return seen.stream().map(Seen::key).collect(Collectors.toSet());
  }

  private static void assertIncreasing(List<Long> ids) {
    for (int i = 1; i < ids.size(); i++) {
      assertTrue(ids.get(i) > ids.get(i - 1), "ids increase: " + ids);
    }
  }

  // Each emitter's events arrive in the order it emitted them.
  private static void assertOriginFifo(List<Seen> seen) {
    Map<String, Long> last = new HashMap<>();
    for (Seen s : seen) {
      Long before = last.put(s.origin(), s.seq());
      assertTrue(before == null || s.seq() > before, "per-origin order: " + seen);
    }
  }

  private static void assertTypes(List<Seen> seen, Map<String, Integer> expected) {
    Map<String, Integer> counts = new HashMap<>();
    for (Seen s : seen) counts.merge(s.type(), 1, Integer::sum);
    assertEquals(expected, counts, "types received: " + seen);
    assertEquals(seen.size(), new HashSet<>(keys(seen)).size());
    List<Long> ids = new ArrayList<>(ids(seen));
    assertIncreasing(ids);
  }
}
