package org.universis.racket.relay.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.universis.racket.ProcessEvent;
import org.universis.racket.ProcessEventEmitter;
import org.universis.racket.RacketOptions;

/** Two auto-mode emitters on two "hosts" (two relay ports), each hosting its relay, one Redis. */
class HostedBackplaneIT {

  @Test
  void autoModeEmittersThatHostTheirRelaysJoinTheBackplaneAndSeeEachOthersEvents() throws Exception {
    try (RedisServer redis = RedisServer.memory()) {
      int portOne = RelayProcess.freePort();
      int portTwo = RelayProcess.freePort();
      try (ProcessEventEmitter one = auto(portOne, redis); ProcessEventEmitter two = auto(portTwo, redis)) {
        BlockingQueue<ProcessEvent> atOne = new LinkedBlockingQueue<>();
        BlockingQueue<ProcessEvent> atTwo = new LinkedBlockingQueue<>();
        one.subscribe("hosted.>", atOne::add);
        two.subscribe("hosted.>", atTwo::add);
        for (int port : new int[] {portOne, portTwo}) {
          String base = "http://127.0.0.1:" + port;
          Await.until(() -> clients(base) >= 1, 30, "the relay hosted on " + port + " and its subscriber");
        }
        long first = one.emit("hosted.one", Map.of("n", 1)).get(30, TimeUnit.SECONDS);
        long second = two.emit("hosted.two", Map.of("n", 2)).get(30, TimeUnit.SECONDS);
        assertEquals(List.of(first, second), ids(atOne, 2), "the first host sees both, in order");
        assertEquals(List.of(first, second), ids(atTwo, 2), "the second host the same");
      }
    }
  }

  private static ProcessEventEmitter auto(int port, RedisServer redis) {
    return new ProcessEventEmitter(RacketOptions.builder().url("http://127.0.0.1:" + port)
        .mode(RacketOptions.Mode.AUTO).backplane(redis.url()).build());
  }

  private static int clients(String base) {
    try {
      return TestClients.JSON.readTree(TestClients.get(base + "/health").body()).path("clients").asInt();
    } catch (Exception e) {
      return 0; // not hosted yet
    }
  }

  private static List<Long> ids(BlockingQueue<ProcessEvent> events, int n) throws InterruptedException {
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ProcessEvent e = events.poll(30, TimeUnit.SECONDS);
      if (e == null) throw new AssertionError("got " + out);
      out.add(e.id());
    }
    return out;
  }
}
