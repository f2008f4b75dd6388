package org.universis.racket.relay.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.universis.racket.Origin;
import org.universis.racket.relay.RelayConfig;
import org.universis.racket.relay.internal.codec.OriginJson;
import org.universis.racket.spi.TypeFilter;

class SequencerTest {

  private static final long START = Sequencer.ID_EPOCH_MILLIS + 1_000_000;
  private static final byte[] ORIGIN = OriginJson.write(new Origin("o", 1, "h", null));

  private final Metrics metrics = new Metrics();
  private final Notices notices = new Notices("test");

  private Sequencer sequencer(int historySize) {
    return new Sequencer(START, new History(historySize, 1 << 20), notices, metrics);
  }

  private SubscriberLimits limits(int queueSize, RelayConfig.Overflow overflow) {
    return new SubscriberLimits(queueSize, 1 << 20, overflow, 1 << 16, notices);
  }

  private RecordingSubscriber subscriber(String types, int queueSize, RelayConfig.Overflow overflow) {
    return new RecordingSubscriber(TypeFilter.parse(types), limits(queueSize, overflow), metrics);
  }

  private static List<Long> publish(Sequencer s, String type, int n) {
    List<Emit> emits = new ArrayList<>();
    for (int i = 0; i < n; i++) emits.add(new Emit(type, ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8), 0));
    List<Long> ids = new ArrayList<>();
    for (long id : s.publish(emits, ORIGIN, null, false).join()) ids.add(id);
    return ids;
  }

  @Test
  void idsStartFromTheRelayStartTimeAndIncreaseByOne() {
    Sequencer s = sequencer(10);
    assertEquals(1_000_000L * 1024, s.firstId());
    assertEquals(s.firstId() - 1, s.lastId());
    List<Long> ids = publish(s, "a", 3);
    assertEquals(List.of(s.firstId(), s.firstId() + 1, s.firstId() + 2), ids);
    assertEquals(ids.get(2), s.lastId());
  }

  @Test
  void resumingInsideTheHistoryReplaysExactlyTheMissedMatchingEventsThenLive() {
    Sequencer s = sequencer(100);
    List<Long> a = publish(s, "a", 5);
    publish(s, "b", 2);
    RecordingSubscriber sub = subscriber("a", 100, RelayConfig.Overflow.DROP_OLDEST);
    s.subscribe(sub, a.get(1), null);
    List<Long> live = publish(s, "a", 2);
    sub.drainAll();
    List<Long> expected = new ArrayList<>(a.subList(2, 5));
    expected.addAll(live);
    assertEquals(expected, sub.ids());
  }

  @Test
  void resumingFromAnEvictedIdSendsAHistoryResyncThenWhatIsHeld() {
    Sequencer s = sequencer(3);
    List<Long> ids = publish(s, "a", 6);
    RecordingSubscriber sub = subscriber(">", 100, RelayConfig.Overflow.DROP_OLDEST);
    s.subscribe(sub, ids.get(0), null);
    sub.drainAll();
    JsonNode notice = sub.received.get(0);
    assertEquals("racket.resync", notice.get("type").asText());
    assertEquals("history", notice.get("body").get("reason").asText());
    assertEquals(ids.get(1), notice.get("body").get("from").asLong());
    assertEquals(ids.get(2), notice.get("body").get("to").asLong());
    assertEquals(List.of(ids.get(2), ids.get(3), ids.get(4), ids.get(5)), sub.ids());
  }

  @Test
  void resumingRightBeforeTheOldestHeldIdIsNoGap() {
    Sequencer s = sequencer(3);
    List<Long> ids = publish(s, "a", 6);
    RecordingSubscriber sub = subscriber(">", 100, RelayConfig.Overflow.DROP_OLDEST);
    s.subscribe(sub, ids.get(2), null);
    sub.drainAll();
    assertEquals(ids.subList(3, 6), sub.ids());
  }

  @Test
  void anIdFromAnEarlierRelayReplaysTheWholeHistoryWithoutNoticeUntilItWraps() {
    Sequencer s = sequencer(5);
    List<Long> ids = publish(s, "a", 4);
    RecordingSubscriber before = subscriber(">", 100, RelayConfig.Overflow.DROP_OLDEST);
    s.subscribe(before, s.firstId() - 5000, null);
    before.drainAll();
    assertEquals(ids, before.ids());
    List<Long> more = publish(s, "a", 4);
    RecordingSubscriber after = subscriber(">", 100, RelayConfig.Overflow.DROP_OLDEST);
    s.subscribe(after, s.firstId() - 5000, null);
    after.drainAll();
    assertEquals("racket.resync", after.received.get(0).get("type").asText());
    assertEquals(s.firstId(), after.received.get(0).get("body").get("from").asLong());
    assertEquals(List.of(more.get(0) - 2, ids.get(3), more.get(0), more.get(1), more.get(2), more.get(3)),
        after.ids());
  }

  @Test
  void aReplayIsReadAFrameAtATimeAndWhatTheHistoryLosesMeanwhileIsAResyncInItsPlace() {
    Sequencer s = sequencer(10);
    List<Long> ids = publish(s, "a", 10);
    RecordingSubscriber sub = new RecordingSubscriber(TypeFilter.ALL,
        new SubscriberLimits(100, 1 << 20, RelayConfig.Overflow.DROP_OLDEST, 200, notices), metrics);
    s.subscribe(sub, ids.get(0) - 1, null);
    int sent = sub.ids().size();
    assertTrue(sent > 0 && sent < 3, "one small frame is in flight, not the whole replay: " + sent);
    List<Long> live = publish(s, "a", 8); // the history now holds ids 8 and 9 of the ten, and live
    sub.drainAll();
    List<JsonNode> got = sub.received;
    int notice = 0;
    while (!got.get(notice).path("type").asText().equals("racket.resync")) notice++;
    assertTrue(notice >= sent && notice < 8, "the notice comes where the lost events were");
    JsonNode body = got.get(notice).get("body");
    assertEquals("history", body.get("reason").asText());
    assertEquals(ids.get(notice), body.get("from").asLong());
    assertEquals(ids.get(7), body.get("to").asLong());
    List<Long> expected = new ArrayList<>(ids.subList(0, notice));
    expected.addAll(ids.subList(8, 10));
    expected.addAll(live);
    assertEquals(expected, got.stream().filter(n -> !n.path("type").asText().equals("racket.resync"))
        .map(n -> n.get("id").asLong()).toList(), "in order, no gap but the noticed one, no duplicate");
  }

  @Test
  void replaysHoldAtMostTheHistorysBytesInAllAndGoOnAnEventAtATimeWhenStalledOnesHoldThem() {
    Sequencer s = new Sequencer(START, new History(100, 2000), notices, metrics);
    List<Long> ids = publish(s, "a", 12); // about 1,400 bytes of envelopes, all held
    RecordingSubscriber stalled = subscriber(">", 100, RelayConfig.Overflow.DROP_OLDEST);
    s.subscribe(stalled, ids.get(0) - 1, null);
    assertEquals(ids, stalled.ids(), "its first part is the whole history, and it never reads on");
    RecordingSubscriber next = subscriber(">", 100, RelayConfig.Overflow.DROP_OLDEST);
    s.subscribe(next, ids.get(0) - 1, null);
    next.drainAll();
    assertEquals(ids, next.ids(), "in order, nothing missing");
    assertTrue(next.frames >= 8, "what the stalled one holds leaves room for a few events at a time: "
        + next.frames + " frames");
    stalled.close();
    RecordingSubscriber after = subscriber(">", 100, RelayConfig.Overflow.DROP_OLDEST);
    s.subscribe(after, ids.get(0) - 1, null);
    assertEquals(ids, after.ids(), "a closed subscriber gave its share back: one part again");
  }

  @Test
  void aFullQueueDropsItsOldestEventsAndTellsTheSubscriberBeforeTheNext() {
    Sequencer s = sequencer(100);
    RecordingSubscriber slow = subscriber(">", 3, RelayConfig.Overflow.DROP_OLDEST);
    RecordingSubscriber fast = subscriber(">", 3, RelayConfig.Overflow.DROP_OLDEST);
    s.subscribe(slow, null, last -> "{\"op\":\"hi\"}".getBytes(StandardCharsets.US_ASCII));
    s.subscribe(fast, null, null);
    slow.drainAll();
    assertEquals(1, slow.frames);
    // The greeting is "in flight" until released; now stall the slow one.
    slow.received.clear();
    publish(s, "e", 1);
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      ids.addAll(publish(s, "e", 1));
      fast.drainAll();
    }
    assertEquals(11, fast.ids().size(), "the fast subscriber got everything");
    assertEquals(7, metrics.dropped.sum());
    slow.drainAll();
    List<JsonNode> got = slow.received;
    JsonNode notice = got.stream().filter(n -> n.path("type").asText().equals("racket.resync")).findFirst().orElseThrow();
    assertEquals("overflow", notice.get("body").get("reason").asText());
    assertEquals(7, notice.get("body").get("dropped").asLong());
    List<Long> seen = slow.ids();
    for (int i = 1; i < seen.size(); i++) assertTrue(seen.get(i) > seen.get(i - 1), "ids increase: " + seen);
    assertEquals(ids.subList(7, 10), seen.subList(seen.size() - 3, seen.size()));
  }

  @Test
  void aFullQueueClosesTheSubscriberUnderTheDisconnectPolicy() {
    Sequencer s = sequencer(100);
    RecordingSubscriber slow = subscriber(">", 2, RelayConfig.Overflow.DISCONNECT);
    s.subscribe(slow, null, last -> "{\"op\":\"hi\"}".getBytes(StandardCharsets.US_ASCII));
    publish(s, "e", 3);
    assertTrue(slow.isClosed() && slow.transportClosed);
    assertEquals(1, metrics.disconnected.sum());
    assertEquals(0, s.subscriberCount(), "closed subscribers leave the fan-out");
    int before = slow.received.size();
    publish(s, "e", 1);
    slow.drainAll();
    assertEquals(before, slow.received.size(), "nothing more is sent");
  }

  @Test
  void anEmitterGetsItsAckAfterEveryEventAssignedBeforeIt() {
    Sequencer s = sequencer(100);
    RecordingSubscriber emitter = subscriber(">", 100, RelayConfig.Overflow.DROP_OLDEST);
    s.subscribe(emitter, null, null);
    byte[] body = "1".getBytes(StandardCharsets.US_ASCII);
    long[] ids = s.publish(List.of(new Emit("x", body, 7), new Emit("x", body, 8)), ORIGIN, emitter, false).join();
    emitter.drainAll();
    List<String> ops = emitter.received.stream().map(n -> n.path("op").asText("event")).toList();
    assertEquals(List.of("event", "ack", "event", "ack"), ops);
    assertEquals(ids[0], emitter.received.get(0).get("id").asLong());
    assertEquals(7, emitter.received.get(1).get("seq").asLong());
    assertEquals(ids[0], emitter.received.get(1).get("id").asLong());
    assertFalse(emitter.received.get(1).has("count"));
    assertEquals(8, emitter.received.get(3).get("seq").asLong());
    assertEquals(ids[1], emitter.received.get(3).get("id").asLong());
  }

  @Test
  void anEmitterThatAskedForRunAcksGetsOneAckAfterTheRunsEvents() {
    Sequencer s = sequencer(100);
    RecordingSubscriber emitter = subscriber(">", 100, RelayConfig.Overflow.DROP_OLDEST);
    s.subscribe(emitter, null, null);
    byte[] body = "1".getBytes(StandardCharsets.US_ASCII);
    long[] ids = s.publish(List.of(new Emit("x", body, 7), new Emit("x", body, 8), new Emit("x", body, 9)),
        ORIGIN, emitter, true).join();
    long[] one = s.publish(List.of(new Emit("x", body, 10)), ORIGIN, emitter, true).join();
    emitter.drainAll();
    List<String> ops = emitter.received.stream().map(n -> n.path("op").asText("event")).toList();
    assertEquals(List.of("event", "event", "event", "ack", "event", "ack"), ops);
    assertEquals(ids[0] + 1, ids[1], "consecutive ids");
    assertEquals(ids[1] + 1, ids[2], "consecutive ids");
    JsonNode ack = emitter.received.get(3);
    assertEquals(9, ack.get("seq").asLong());
    assertEquals(ids[2], ack.get("id").asLong());
    assertEquals(3, ack.get("count").asInt());
    JsonNode single = emitter.received.get(5);
    assertEquals(10, single.get("seq").asLong());
    assertEquals(one[0], single.get("id").asLong());
    assertFalse(single.has("count"), "a run of one is a plain ack");
  }

  @Test
  void queuedEventsGoOutInOneFrame() {
    Sequencer s = sequencer(100);
    RecordingSubscriber sub = subscriber(">", 100, RelayConfig.Overflow.DROP_OLDEST);
    s.subscribe(sub, null, last -> "{\"op\":\"hi\"}".getBytes(StandardCharsets.US_ASCII));
    publish(s, "e", 20);
    sub.drainAll();
    assertEquals(2, sub.frames, "the greeting, then the 20 events that queued behind it");
    assertEquals(20, sub.ids().size());
  }
}
