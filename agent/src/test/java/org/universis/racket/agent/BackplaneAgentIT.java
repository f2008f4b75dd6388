package org.universis.racket.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.universis.racket.agent.apps.BackplanePeer;

/**
 * Two applications on two "hosts" (two relay ports), each run with {@code -javaagent:racket.jar}
 * in auto mode, so each hosts its own relay, and both relays join one real redis-server through
 * the agent's {@code backplane} option: what either emits, both hear, in one order with the same
 * ids, while the application sees none of the backplane's libraries.
 */
class BackplaneAgentIT {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final int EACH = 5;

  @TempDir Path dir;

  @Test
  void autoModeAgentsOnTwoHostsExchangeEventsThroughRedisWithItsLibrariesHidden() throws Exception {
    Path app = TestJars.jar(dir.resolve("app.jar"), BackplanePeer.class, BackplanePeer.class);
    int redisPort = Ports.free();
    try (ChildJvm redis = ChildJvm.start("redis-server", List.of("redis-server", "--port",
        String.valueOf(redisPort), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
        "--dir", dir.toString()))) {
      redis.awaitLine(line -> line.contains("Ready to accept connections"), "its ready line", WAIT);
      String backplane = "backplane=redis://127.0.0.1:" + redisPort;
      try (Peer one = new Peer("one", backplane, app); Peer two = new Peer("two", backplane, app)) {
        for (Peer peer : List.of(one, two)) {
          assertEquals("sees none", peer.await("sees "), peer.jvm.name() + " sees the agent's libraries");
          peer.await("READY");
        }
        List<String> expected = new ArrayList<>();
        for (int n = 1; n <= EACH; n++) {
          for (Peer peer : List.of(one, two)) {
            peer.jvm.send("emit " + n);
            peer.await("acked " + n + " ");
            expected.add(peer.jvm.name() + ":" + n);
          }
        }
        List<String> heardByOne = one.heard(expected.size());
        assertEquals(expected, heardByOne.stream().map(h -> h.split(" ")[2]).toList(),
            "host one hears both hosts' events, in the order they were acknowledged");
        assertEquals(heardByOne, two.heard(expected.size()), "both hosts hear one order, with the same ids");
        for (ChildJvm peer : List.of(one.jvm, two.jvm)) {
          assertEquals(0, peer.exit(WAIT), peer.name() + ": the backplane's threads kept the JVM alive;"
              + " stderr:\n" + peer.stderr());
        }
      }
    }
  }

  /** A {@link BackplanePeer} on a relay port of its own; its {@code heard} lines kept as they come. */
  private static final class Peer implements AutoCloseable {
    final ChildJvm jvm;
    final List<String> heard = new ArrayList<>();

    Peer(String name, String backplane, Path app) throws Exception {
      jvm = ChildJvm.start(name, ChildJvm.withAgent("url=" + Ports.url(Ports.free()) + "," + backplane,
          "-jar", app.toString(), name));
    }

    String await(String prefix) throws InterruptedException {
      return jvm.awaitLine(line -> {
        if (line.startsWith("heard ")) heard.add(line);
        return line.startsWith(prefix);
      }, "a line starting with '" + prefix + "'", WAIT);
    }

    List<String> heard(int count) throws InterruptedException {
      while (heard.size() < count) await("heard ");
      return heard;
    }

    @Override
    public void close() throws InterruptedException {
      jvm.close();
    }
  }
}
