package org.universis.racket.relay.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link RecentEmits} against the plainest model of it, a deque of lines, over random runs long
 * enough to go round the ring and grow it many times.
 */
class RecentEmitsTest {

  private record Line(long seq, byte[] bytes, long time) {}

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
    RecentEmits recent = new RecentEmits(100, 1 << 20);
    run(random, model, recent, 20_000, 700, true);
  }

  @Test
  void underTheByteBoundItKeepsTheNewestLinesAndNearlyAllThatFit() {
    Random random = new Random(7);
    int maxLine = 600;
    Model model = new Model(1_000, 4_096);
    RecentEmits recent = new RecentEmits(1_000, 4_096);
    run(random, model, recent, 50_000, maxLine, false);
  }

  @Test
  void aLineLargerThanTheByteBoundLeavesNothingKept() {
    RecentEmits recent = new RecentEmits(10, 100);
    recent.add(1, new byte[60], 0);
    recent.add(2, new byte[30], 0);
    recent.add(3, new byte[101], 0);
    assertEquals(0, recent.size());
    assertEquals(0, recent.bytes());
    recent.add(4, new byte[100], 0);
    assertEquals(1, recent.size());
    assertEquals(4, recent.seq(0));
  }

  // Random adds (now and then one over the byte bound) and drops by age; after each, what is kept
  // is the model's newest lines, byte for byte: all of them when `exact`, otherwise all but
  // what fragmentation of the ring costs, under one line or two.
  private static void run(Random random, Model model, RecentEmits recent, int steps, int maxLine,
      boolean exact) {
    long time = 0;
    for (long seq = 1; seq <= steps; seq++) {
      time += random.nextInt(3);
      if (random.nextInt(10) == 0) {
        model.dropBefore(time - 20);
        recent.dropBefore(time - 20);
      } else {
        int length = random.nextInt(500) == 0 ? model.maxBytes + 1 : 1 + random.nextInt(maxLine);
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        model.add(new Line(seq, bytes, time));
        recent.add(seq, bytes, time);
      }
      List<Line> expected = new ArrayList<>(model.lines);
      int kept = recent.size();
      assertTrue(kept <= expected.size(), "more kept than the model at seq " + seq);
      assertTrue(recent.bytes() <= model.maxBytes);
      if (exact) assertEquals(expected.size(), kept, "at seq " + seq);
      else assertTrue(model.bytes - recent.bytes() < 2 * maxLine, "too few kept at seq " + seq);
      long bytes = 0;
      for (int i = 0; i < kept; i++) {
        Line line = expected.get(expected.size() - kept + i);
        assertEquals(line.seq, recent.seq(i), "at seq " + seq);
        assertArrayEquals(line.bytes, recent.line(i), "at seq " + seq);
        bytes += line.bytes.length;
      }
      assertEquals(bytes, recent.bytes());
    }
  }
}
