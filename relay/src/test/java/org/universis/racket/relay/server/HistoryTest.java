package org.universis.racket.relay.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.universis.racket.spi.TypeFilter;

class HistoryTest {

  private static Event event(long id, String type, int size) {
    return new Event(id, type, new byte[size]);
  }

  @Test
  void theHistoryKeepsTheNewestEventsWithinItsCount() {
    History h = new History(3, 1 << 20);
    for (long id = 1; id <= 5; id++) h.append(event(id, "a", 10));
    assertEquals(3, h.size());
    assertEquals(3, h.oldestId(99));
    assertTrue(h.wrapped());
  }

  @Test
  void theHistoryKeepsTheNewestEventsWithinItsBytes() {
    History h = new History(1000, 3 * (100 + 64));
    for (long id = 1; id <= 10; id++) h.append(event(id, "a", 100));
    assertEquals(3, h.size());
    assertEquals(3 * (100 + 64), h.bytes());
    assertEquals(8, h.oldestId(99));
  }

  @Test
  void anEmptyHistoryHasNotWrappedAndNamesNoOldest() {
    History h = new History(3, 1000);
    assertFalse(h.wrapped());
    assertEquals(42, h.oldestId(42));
  }

  @Test
  void afterReturnsTheMatchingEventsPastAnIdInOrder() {
    History h = new History(100, 1 << 20);
    h.append(event(1, "a", 1));
    h.append(event(2, "b", 1));
    h.append(event(3, "a", 1));
    h.append(event(4, "a", 1));
    assertEquals(List.of(3L, 4L), h.after(1, TypeFilter.parse("a")).stream().map(e -> e.id).toList());
    assertEquals(List.of(2L, 3L, 4L), h.after(1, TypeFilter.ALL).stream().map(e -> e.id).toList());
  }
}
