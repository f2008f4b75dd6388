package org.universis.racket.relay.internal.client;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DedupeTest {

  @Test
  void anIdNotAboveTheLastOneIsADuplicate() {
    Dedupe d = new Dedupe();
    assertTrue(d.firstTime(10, "a", 1));
    assertFalse(d.firstTime(10, "b", 1));
    assertFalse(d.firstTime(9, "b", 1));
    assertTrue(d.firstTime(11, "b", 1));
  }

  @Test
  void aSeqNotAboveTheHighestOfItsOriginIsADuplicateWhateverCameBetween() {
    Dedupe d = new Dedupe();
    assertTrue(d.firstTime(1, new String("a"), 1));
    assertTrue(d.firstTime(2, "a", 2));
    assertTrue(d.firstTime(3, "b", 1));
    assertFalse(d.firstTime(4, "a", 2), "a's seq 2 again, after b");
    assertFalse(d.firstTime(5, new String("a"), 1), "an equal origin id, another String");
    assertTrue(d.firstTime(6, "a", 3));
    assertFalse(d.firstTime(7, "b", 1));
    assertTrue(d.firstTime(8, "b", 2));
  }

  @Test
  void afterANewRelayOnlySeqsTellAndHttpEventsAlwaysPass() {
    Dedupe d = new Dedupe();
    assertTrue(d.firstTime(100, "a", 5));
    d.newRelay();
    assertFalse(d.firstTime(1, "a", 5), "re-sent after a takeover");
    assertTrue(d.firstTime(2, "a", 6));
    assertTrue(d.firstTime(3, "http-127.0.0.1", 0));
    assertTrue(d.firstTime(4, "http-127.0.0.1", 0));
  }

  @Test
  void theLeastRecentlyHeardOriginIsForgottenFirst() {
    Dedupe d = new Dedupe();
    long id = 0;
    assertTrue(d.firstTime(++id, "kept", 1));
    assertTrue(d.firstTime(++id, "forgotten", 1));
    for (int i = 0; i < Dedupe.MAX_ORIGINS - 1; i++) {
      assertTrue(d.firstTime(++id, "o" + i, 1));
      if (i == 10) assertFalse(d.firstTime(++id, "kept", 1), "heard again: now the most recent");
    }
    assertTrue(d.firstTime(++id, "forgotten", 1), "forgotten: its seq counts as new");
    assertFalse(d.firstTime(++id, "kept", 1));
  }
}
