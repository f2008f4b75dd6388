package org.universis.racket.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.universis.racket.ProcessEventEmitter;

/** {@link RacketExtension#perMethod()}: each method gets a relay of its own, gone after it. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PerMethodRelayTest {

  private static final List<Integer> PORTS = new ArrayList<>();

  @RegisterExtension
  RacketExtension racket = RacketExtension.perMethod();

  @BeforeAll
  static void forgetEarlierRuns() {
    PORTS.clear();
  }

  @Test
  @Order(1)
  void theFirstMethodHasARelay(TestRelay relay, ProcessEventEmitter emitter, RacketEvents events) {
    PORTS.add(relay.port());
    emitter.emit("first", Map.of());
    events.await("first");
  }

  @Test
  @Order(2)
  void theSecondMethodHasAnotherAndTheFirstIsClosed(TestRelay relay, RacketEvents events) {
    assertEquals(1, PORTS.size(), "the first method ran first");
    int first = PORTS.get(0);
    assertThrows(IOException.class, () -> {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", first), 2_000);
      }
    }, "nothing listens on the first method's relay port " + first + " any more");
    assertEquals(List.of(), events.types(), "nothing from the first method's relay");
  }
}
