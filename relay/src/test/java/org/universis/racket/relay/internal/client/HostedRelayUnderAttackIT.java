package org.universis.racket.relay.internal.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Socket;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.universis.racket.RacketOptions;
import org.universis.racket.relay.internal.server.Await;
import org.universis.racket.relay.internal.server.HostileClients;
import org.universis.racket.relay.internal.server.HostileClients.HealthProbe;
import org.universis.racket.relay.internal.server.HostileClients.RawWs;
import org.universis.racket.relay.internal.server.RelayProcess;

/**
 * The misbehaving clients of {@link HostileClients} against a relay
 * hosted in an application ({@code auto} mode): the application keeps running and its own
 * work goes on, its relay keeps answering, and its memory stays within its heap.
 */
class HostedRelayUnderAttackIT {

  private static final int HEAP_MIB = 128;

  @Test
  void anApplicationThatHostsTheRelayKeepsRunningAndWorkingThroughEveryAttack() throws Exception {
    int port = RelayProcess.freePort();
    String base = "http://127.0.0.1:" + port;
    try (ChildJvm app = ChildJvm.start("app", System.getProperty("java.class.path"),
        List.of("-Dracket.name=app", "-Dracket.mode=auto", "-Xmx" + HEAP_MIB + "m"),
        EmitterChild.class.getName(), base, "app", "good")) {
      app.send("ready");
      app.await("READY"::equals, 60, "READY");
      HostileClients.health(port); // the application hosts the relay (and this JVM's client is warm)
      // Its relay takes this user's secret as its token: the attackers are clients allowed in.
      HostileClients.token(port, UserSecret.of(RacketOptions.builder().build()));
      long idleRss = HostileClients.rssMiB(app.pid());
      int emitted = work(app, 0);

      List<AutoCloseable> attackers = new ArrayList<>();
      try (HealthProbe probe = new HealthProbe(port)) {
        attackers.add(HostileClients.pingFlood(port, 1_000_000, 30));
        List<RawWs> declared = HostileClients.declaredFrames(port, 130);
        attackers.addAll(declared);
        HostileClients.fillHistory(base, "fill", 310, 100_000);
        List<Integer> statuses = new ArrayList<>();
        List<Socket> stalled = HostileClients.stalledReplays(port, 12, statuses);
        attackers.addAll(stalled);
        assertTrue(statuses.stream().allMatch(s -> s == 200), "replays: " + statuses);
        HttpResponse<String> batch = HostileClients.post(base + "/events", "application/json",
            HostileClients.zeros(1 << 20));
        assertEquals(413, batch.statusCode());
        emitted = work(app, emitted); // the application's own work, during the attacks
        assertTrue(probe.worstMillis() < 1000, "/health within 1 s throughout: " + probe.worstMillis() + " ms");
      }
      long rss = HostileClients.rssMiB(app.pid());
      long bound = idleRss + HEAP_MIB + 64; // the heap's bound and what grows beside it under load
      assertTrue(rss <= bound, "RSS " + rss + " MiB within " + bound);
      HostileClients.closeAll(attackers);
      Await.until(() -> HostileClients.closeWait(port) == 0, 10, "no socket left in CLOSE_WAIT");
      work(app, emitted);
      assertTrue(app.matching(l -> l.contains("OutOfMemoryError")).isEmpty(), "no OutOfMemoryError in the app");
      app.send("quit");
      assertEquals(0, app.awaitExit(30), "the application ends normally");
    }
  }

  // The application emits 50 events through its relay and receives them on its subscription.
  private static int work(ChildJvm app, int before) throws InterruptedException {
    int to = before + 50;
    app.send("emit good " + (before + 1) + " " + to);
    app.await(("EMITTED " + to)::equals, 60, "EMITTED " + to);
    app.awaitCount(l -> Children.isEvent(l, "good"), to, 60, "events of its own");
    return to;
  }
}
