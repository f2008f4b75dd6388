package org.universis.racket.relay.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.universis.racket.relay.internal.codec.EventBatchReader;
import org.universis.racket.relay.internal.codec.MalformedEventException;
import org.universis.racket.relay.internal.codec.RawEvent;

/**
 * The NDJSON reader of {@code POST /events}, fuzzed: a stream cut into reads anywhere gives the
 * same events, and stops at the same line for the same reason, as the stream's lines read one by
 * one. The input's first byte sets the line limit, the next two where the reads end.
 */
class LineSplitterFuzzTest {

  @FuzzTest(maxDuration = "30s")
  void ndjsonStream(byte[] input) {
    if (input.length < 3) return;
    int maxLine = 8 + (input[0] & 0x3F);
    Random cuts = new Random((input[1] & 0xFF) << 8 | input[2] & 0xFF);
    byte[] stream = Arrays.copyOfRange(input, 3, input.length);
    assertEquals(lineByLine(stream, maxLine), inReads(stream, maxLine, cuts));
  }

  // What EventLines does: the lines of each read as it comes, through the splitter.
  private static Outcome inReads(byte[] stream, int maxLine, Random cuts) {
    LineSplitter lines = new LineSplitter(maxLine, 16);
    List<String> events = new ArrayList<>();
    try {
      int at = 0;
      do {
        int n = Math.min(stream.length - at, 1 + cuts.nextInt(2 * maxLine));
        byte[] read = Arrays.copyOfRange(stream, at, at + n + 3); // the read buffer is larger
        at += n;
        lines.take(read, n, at == stream.length, (b, from, to) -> add(events, b, from, to));
      } while (at < stream.length);
    } catch (MalformedEventException e) {
      return new Outcome(events, lines.number(), e.getMessage());
    } catch (LineSplitter.TooLong e) {
      return new Outcome(events, lines.number(), "too long");
    }
    return new Outcome(events, 0, null);
  }

  // The model: split on LF, drop one CR at the end, skip blank lines, read each line whole.
  private static Outcome lineByLine(byte[] stream, int maxLine) {
    List<String> events = new ArrayList<>();
    int number = 1;
    for (int from = 0; from < stream.length; number++) {
      int nl = from;
      while (nl < stream.length && stream[nl] != '\n') nl++;
      byte[] line = Arrays.copyOfRange(stream, from, nl);
      from = nl + 1;
      int length = line.length > 0 && line[line.length - 1] == '\r' ? line.length - 1 : line.length;
      if (length > maxLine) return new Outcome(events, number, "too long");
      if (new String(line, 0, length, StandardCharsets.ISO_8859_1).replaceAll("[ \t\r]", "").isEmpty()) continue;
      try {
        add(events, line, 0, length);
      } catch (MalformedEventException e) {
        return new Outcome(events, number, e.getMessage());
      }
    }
    return new Outcome(events, 0, null);
  }

  private static void add(List<String> events, byte[] b, int from, int to) {
    for (RawEvent e : EventBatchReader.read(b, from, to, null)) {
      events.add(e.type() + " " + new String(e.body(), StandardCharsets.ISO_8859_1));
    }
  }

  private record Outcome(List<String> events, long stoppedAtLine, String why) {}
}
