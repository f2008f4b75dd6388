package org.universis.racket.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ViewTest {

  private static final long T = 1_234_567_890_123L;

  private final List<long[]> read = new ArrayList<>();
  private final Tick.TickSink sink = (n, t) -> read.add(new long[] {n, t});

  @Test
  void bothViewsCarryTheSamePayloadSize() {
    Tick tick = Tick.stamp(Tick.MEASURED_FIRST, 7, T);
    assertEquals(Tick.SIZE, View.OPAQUE.payload(tick).length);
    assertEquals(Tick.SIZE, View.OBJECTS.payload(tick).length);
    assertEquals(Tick.SIZE + 2, View.OPAQUE.httpBody(tick).length); // between quotes
  }

  @Test
  void eachViewReadsBackTheNumberAndStampItSent() {
    for (View view : View.values()) {
      read.clear();
      Tick tick = Tick.stamp(Tick.WARMUP_FIRST, 41, T);
      view.read(view.payload(tick), sink);
      assertArrayEquals(new long[] {Tick.WARMUP_FIRST + 82, T}, read.get(0), view.label);
    }
  }

  @Test
  void theOpaqueStringRacketCarriesReadsAsTheBytes() {
    Tick tick = Tick.stamp(Tick.MEASURED_FIRST, 3, T);
    Tick.readOpaque((String) View.OPAQUE.body(tick), sink);
    assertArrayEquals(new long[] {Tick.MEASURED_FIRST + 6, T}, read.get(0));
  }

  @Test
  void anSseDataLineIsReadInPlaceInEitherView() {
    for (View view : View.values()) {
      read.clear();
      Tick tick = Tick.stamp(Tick.MEASURED_FIRST, 5, T);
      String body = new String(view.httpBody(tick), StandardCharsets.UTF_8);
      byte[] line = ("data: {\"id\":61507122927619,\"type\":\"bench\",\"time\":1764201600123,\"origin\":{\"id\":\"http-127.0.0.1\","
          + "\"pid\":0,\"host\":\"127.0.0.1\",\"name\":null},\"seq\":0,\"body\":" + body + "}\n")
          .getBytes(StandardCharsets.UTF_8);
      view.readEnvelope(line, 6, line.length - 7, sink);
      assertArrayEquals(new long[] {Tick.MEASURED_FIRST + 10, T}, read.get(0), view.label);
    }
  }
}
