package org.universis.racket.relay.internal.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.universis.racket.Origin;
import org.universis.racket.relay.internal.codec.Envelope;
import org.universis.racket.relay.internal.codec.OriginJson;
import org.universis.racket.spi.TypeFilter;

class HistoryTest {

  private static final byte[] ORIGIN = OriginJson.write(new Origin("o", 1, "h", null));

  private static Event event(long id, String type, int bodySize) {
    byte[] body = ("\"" + "x".repeat(bodySize) + "\"").getBytes(StandardCharsets.UTF_8);
    return new Event(id, type, Envelope.encode(id, type, 0, ORIGIN, id, body));
  }

  @Test
  void theHistoryKeepsTheNewestEventsWithinItsCount() {
    History h = new History(3, 1 << 20);
    for (long id = 1; id <= 5; id++) h.append(event(id, "a", 10));
    assertEquals(3, h.size());
    assertEquals(2, h.evictedThrough());
    assertTrue(h.wrapped());
  }

  @Test
  void theHistoryKeepsTheNewestEventsWithinItsBytes() {
    int size = event(1, "a", 100).envelope.length;
    History h = new History(1000, 3 * size);
    for (long id = 1; id <= 9; id++) h.append(event(id, "a", 100));
    assertEquals(3, h.size());
    assertEquals(3 * size, h.bytes());
    assertEquals(6, h.evictedThrough());
  }

  @Test
  void anEmptyHistoryHasNotWrappedAndEvictedNothing() {
    History h = new History(3, 1000);
    assertFalse(h.wrapped());
    assertEquals(Long.MIN_VALUE, h.evictedThrough());
  }

  @Test
  void anEventLargerThanTheHistoryIsNotKeptAndCountsAsWrapped() {
    History h = new History(3, 100);
    h.append(event(1, "a", 200));
    assertEquals(0, h.size());
    assertTrue(h.wrapped());
    assertEquals(1, h.evictedThrough());
  }

  @Test
  void sparseIdsCountAsEvictedThroughTheLastOneDropped() {
    History h = new History(2, 1 << 20);
    for (long id : new long[] {10, 2048, 5000, 7168}) h.append(event(id, "a", 10));
    assertEquals(2048, h.evictedThrough(), "an id between 2048 and 5000 was never held: no gap after it");
    h.forget(6000);
    assertEquals(6000, h.evictedThrough());
  }

  @Test
  void afterReturnsTheMatchingEventsPastAnIdInOrderWithTheirTypesAndEnvelopes() {
    History h = new History(100, 1 << 20);
    List<Event> appended = List.of(event(1, "a", 1), event(2, "b", 1), event(3, "a", 1), event(4, "a.x", 1));
    appended.forEach(h::append);
    assertEquals(List.of(3L), after(h, 1, 4, TypeFilter.parse("a")).stream().map(e -> e.id).toList());
    List<Event> all = after(h, 1, 4, TypeFilter.ALL);
    assertEquals(List.of(2L, 3L, 4L), all.stream().map(e -> e.id).toList());
    for (Event e : all) {
      Event original = appended.get((int) e.id - 1);
      assertEquals(original.type, e.type);
      assertArrayEquals(original.envelope, e.envelope);
    }
  }

  @Test
  void afterStopsAtItsEndIdAndAfterAboutMaxBytesAndSaysWhereToGoOn() {
    History h = new History(100, 1 << 20);
    for (int id = 1; id <= 10; id++) h.append(event(id, "a", 100));
    assertEquals(List.of(3L, 4L, 5L), after(h, 2, 5, TypeFilter.ALL).stream().map(e -> e.id).toList());
    List<Object> part = new ArrayList<>();
    long envelope = event(1, "a", 100).envelope.length;
    long reached = h.after(2, 10, TypeFilter.ALL, 2 * envelope, part);
    assertEquals(4, reached, "two envelopes' worth, then where to go on");
    assertEquals(2, part.size());
    List<Object> none = new ArrayList<>();
    assertEquals(2, h.after(0, 10, TypeFilter.parse("b"), 2 * envelope, none),
        "a filter that matches nothing still moves on");
    assertTrue(none.isEmpty());
  }

  private static List<Event> after(History h, long afterId, long toId, TypeFilter filter) {
    List<Object> out = new ArrayList<>();
    assertEquals(toId, h.after(afterId, toId, filter, Long.MAX_VALUE, out));
    return out.stream().map(Event.class::cast).toList();
  }
}
