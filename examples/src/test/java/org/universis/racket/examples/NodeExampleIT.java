package org.universis.racket.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.universis.racket.ProcessEvent;
import org.universis.racket.ProcessEventEmitter;
import org.universis.racket.junit.RacketEvents;
import org.universis.racket.junit.RacketTest;
import org.universis.racket.junit.TestRelay;

/** examples/node/racket-join.mjs, with Node.js and no packages, exchanges events with a JVM. */
@RacketTest
class NodeExampleIT {

  @Test
  void theNodeScriptEmitsOverPostAndReceivesOverSse(TestRelay relay, ProcessEventEmitter java,
      RacketEvents events) throws Exception {
    Process node = new ProcessBuilder("node", "node/racket-join.mjs", relay.url(), "60")
        .redirectErrorStream(true).start();
    try {
      // The script greets once its stream is open, so the greeting means it listens.
      ProcessEvent greeting = events.await("greeting.node", Duration.ofSeconds(60));
      assertEquals("node-script", greeting.origin().name());
      assertEquals(Map.of("type", "greeting.node", "from", "Node.js"), greeting.body());

      java.emit("greeting.java", Map.of("from", "Java")).get(10, TimeUnit.SECONDS);
      // The script ends by itself (at the latest after its 60 s wait).
      String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(node.waitFor(10, TimeUnit.SECONDS), out);
      assertEquals(0, node.exitValue(), out);
      assertTrue(out.contains("received greeting.node from node-script: {\"type\":\"greeting.node\",\"from\":\"Node.js\"}"), out);
      assertTrue(out.contains("received greeting.java from") && out.contains("{\"from\":\"Java\"}"), out);
    } finally {
      node.destroyForcibly();
    }
  }
}
