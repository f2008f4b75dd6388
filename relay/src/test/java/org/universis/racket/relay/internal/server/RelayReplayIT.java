package org.universis.racket.relay.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.universis.racket.relay.internal.server.TestClients.Sse;
import org.universis.racket.relay.internal.server.TestClients.SseEvent;
import org.universis.racket.relay.internal.server.TestClients.Ws;

/** Resuming from an id: exactly the missed events, or a resync notice when they are gone. */
class RelayReplayIT {

  private static RelayProcess relay;

  @BeforeAll
  static void start() throws Exception {
    relay = RelayProcess.start(List.of("-Xmx96m"), "--history-size", "20");
  }

  @AfterAll
  static void stop() throws Exception {
    if (relay != null) relay.close();
  }

  @Test
  void relayReplaysMissedEventsAfterReconnect() throws Exception {
    String base = relay.url();
    long lastSeen;
    try (Sse first = new Sse(base + "/events?types=replay.>", null)) {
      Await.until(() -> TestClients.metric(base, "racket_subscribers") >= 1, 10, "subscriber");
      TestClients.emit(base, "[{\"type\":\"replay.a\"},{\"type\":\"replay.b\"},{\"type\":\"other\"}]");
      List<SseEvent> seen = first.take(2, 10);
      lastSeen = Long.parseLong(seen.get(1).id());
    }
    List<Long> missed = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      missed.addAll(TestClients.emit(base, "[{\"type\":\"replay.c\",\"n\":" + i + "},{\"type\":\"skip\"}]")
          .subList(0, 1));
    }
    try (Sse again = new Sse(base + "/events?types=replay.>", String.valueOf(lastSeen))) {
      List<Long> live = TestClients.emit(base, "{\"type\":\"replay.live\"}");
      List<SseEvent> got = again.take(6, 10);
      List<Long> expected = new ArrayList<>(missed);
      expected.addAll(live);
      assertEquals(expected, got.stream().map(e -> Long.parseLong(e.id())).toList(),
          "the missed events, then live, with no gap and no duplicate");
      assertTrue(again.events.isEmpty());
    }
    // The same through ?lastEventId= and through the WebSocket hello.
    try (Sse byQuery = new Sse(base + "/events?types=replay.c&lastEventId=" + missed.get(2), null);
        Ws ws = new Ws(base)) {
      assertEquals(missed.subList(3, 5), byQuery.take(2, 10).stream().map(e -> Long.parseLong(e.id())).toList());
      ws.hello("replay.c", missed.get(3));
      assertEquals(missed.get(4), ws.take(1, 10, Ws::isEvent).get(0).get("id").asLong());
    }
  }

  @Test
  void resumingFromAnIdOlderThanTheHistoryStartsWithResync() throws Exception {
    String base = relay.url();
    long old = TestClients.emit(base, "{\"type\":\"gap.old\"}").get(0);
    StringBuilder batch = new StringBuilder("[");
    for (int i = 0; i < 30; i++) batch.append(i == 0 ? "" : ",").append("{\"type\":\"gap.n\",\"n\":").append(i).append('}');
    List<Long> ids = TestClients.emit(base, batch.append(']').toString());
    List<Long> held = ids.subList(ids.size() - 20, ids.size());
    try (Sse sse = new Sse(base + "/events?types=gap.>", String.valueOf(old))) {
      List<SseEvent> got = sse.take(21, 10);
      SseEvent notice = got.get(0);
      assertEquals("racket.resync", notice.event());
      JsonNode body = notice.data().get("body");
      assertEquals("history", body.get("reason").asText());
      assertEquals(old + 1, body.get("from").asLong());
      assertEquals(held.get(0) - 1, body.get("to").asLong());
      assertEquals(held.get(0) - 1, Long.parseLong(notice.id()), "the notice's id is the gap's end");
      assertEquals(held, got.subList(1, 21).stream().map(e -> Long.parseLong(e.id())).toList());
    }
    try (Ws ws = new Ws(base)) {
      ws.hello("gap.>", old);
      JsonNode notice = ws.next(10);
      assertEquals("racket.resync", notice.get("type").asText());
      assertEquals("relay", notice.get("origin").get("id").asText());
      assertEquals(held.get(0), ws.next(10).get("id").asLong());
    }
  }

  @Test
  void anIdFromAnEarlierRelayGetsANoticeAndTheHistoryOnceItWrapped() throws Exception {
    String base = relay.url();
    // Fill past the history so it has wrapped: then an earlier relay's id does get a notice.
    StringBuilder batch = new StringBuilder("[");
    for (int i = 0; i < 25; i++) batch.append(i == 0 ? "" : ",").append("{\"type\":\"early\"}");
    List<Long> ids = TestClients.emit(base, batch.append(']').toString());
    try (Sse sse = new Sse(base + "/events?types=early", "1")) {
      List<SseEvent> got = sse.take(1, 10);
      assertEquals("racket.resync", got.get(0).event(), "the history wrapped since this relay started");
      List<Long> rest = sse.take(20, 10).stream().map(e -> Long.parseLong(e.id())).toList();
      assertEquals(ids.subList(5, 25), rest);
    }
  }
}
