package org.universis.racket.relay.internal.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link LineRing} against the plainest model of it, a deque of lines, over random runs long
 * enough to go round the ring and grow it many times.
 */
class LineRingTest {

  private record Line(long key, byte[] bytes, long time) {}

  /** The rules, one object per line: the newest within the count, the bytes and the age. */
  private static final class Model {
    final ArrayDeque<Line> lines = new ArrayDeque<>();
    final int maxCount;
    final int maxBytes;
    long bytes;

    Model(int maxCount, int maxBytes) {
      this.maxCount = maxCount;
      this.maxBytes = maxBytes;
    }

    void add(Line line) {
      if (line.bytes.length > maxBytes) {
        lines.clear();
        bytes = 0;
        return;
      }
      while (lines.size() >= maxCount || bytes + line.bytes.length > maxBytes) {
        bytes -= lines.poll().bytes.length;
      }
      lines.add(line);
      bytes += line.bytes.length;
    }

    void dropBefore(long time) {
      while (!lines.isEmpty() && lines.peek().time < time) bytes -= lines.poll().bytes.length;
    }
  }

  @Test
  void withRoomForEveryLineItKeepsExactlyWhatTheCountAndTheAgeAllow() {
    Random random = new Random(42);
    Model model = new Model(100, 1 << 20);
    run(random, model, new LineRing(100, 1 << 20), 20_000, 700, true);
  }

  @Test
  void underTheByteBoundItKeepsTheNewestLinesAndNearlyAllThatFit() {
    Random random = new Random(7);
    int maxLine = 600;
    Model model = new Model(1_000, 4_096);
    run(random, model, new LineRing(1_000, 4_096), 50_000, maxLine, false);
  }

  @Test
  void aLineLargerThanTheByteBoundLeavesNothingKept() {
    LineRing ring = new LineRing(10, 100);
    ring.add(1, 0, new byte[60]);
    ring.add(2, 0, new byte[30]);
    ring.add(3, 0, new byte[101]);
    assertEquals(0, ring.size());
    assertEquals(0, ring.bytes());
    ring.add(4, 0, new byte[100]);
    assertEquals(1, ring.size());
    assertEquals(4, ring.key(0));
  }

  @Test
  void aRingBoundToNoLinesKeepsNone() {
    LineRing ring = new LineRing(0, 100);
    ring.add(1, 0, new byte[10]);
    assertEquals(0, ring.size());
    assertEquals(0, ring.bytes());
  }

  @Test
  void boundsOutsideOneArrayAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new LineRing(10, LineRing.MAX_BYTES + 1L));
    assertThrows(IllegalArgumentException.class, () -> new LineRing(-1, 100));
  }

  // Random adds (now and then one over the byte bound) and drops by age; after each, what is kept
  // is the model's newest lines, byte for byte: all of them when `exact`, otherwise all but
  // what fragmentation of the ring costs, under one line or two.
  private static void run(Random random, Model model, LineRing ring, int steps, int maxLine,
      boolean exact) {
    long time = 0;
    for (long key = 1; key <= steps; key++) {
      time += random.nextInt(3);
      if (random.nextInt(10) == 0) {
        model.dropBefore(time - 20);
        ring.dropBefore(time - 20);
      } else {
        int length = random.nextInt(500) == 0 ? model.maxBytes + 1 : 1 + random.nextInt(maxLine);
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        model.add(new Line(key, bytes, time));
        ring.add(key, time, bytes);
      }
      List<Line> expected = new ArrayList<>(model.lines);
      int kept = ring.size();
      assertTrue(kept <= expected.size(), "more kept than the model at key " + key);
      assertTrue(ring.bytes() <= model.maxBytes);
      if (exact) assertEquals(expected.size(), kept, "at key " + key);
      else assertTrue(model.bytes - ring.bytes() < 2 * maxLine, "too few kept at key " + key);
      long bytes = 0;
      for (int i = 0; i < kept; i++) {
        Line line = expected.get(expected.size() - kept + i);
        assertEquals(line.key, ring.key(i), "at key " + key);
        assertArrayEquals(line.bytes, ring.line(i), "at key " + key);
        bytes += line.bytes.length;
      }
      assertEquals(bytes, ring.bytes());
    }
  }
}
