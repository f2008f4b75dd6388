package org.universis.racket.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.universis.racket.agent.apps.TakeoverPeer;

/**
 * Three JVMs started with the agent and no relay running: the bind elects one to host the relay;
 * SIGKILL it (or let it exit) mid-stream, and another must host, with every event of the survivors
 * reaching every survivor's handler exactly once.
 */
class TakeoverIT {

  private static final int EVENTS = 300;
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path dir;

  @Test
  void anotherJvmHostsWhenTheHostIsKilledAndSurvivorsLoseAndDoubleNothing() throws Exception {
    takeover(true);
  }

  @Test
  void anotherJvmHostsWhenTheHostExitsNormally() throws Exception {
    takeover(false);
  }

  /** @param kill SIGKILL the host, else SIGTERM (a normal exit: shutdown hooks run) */
  private void takeover(boolean kill) throws Exception {
    Path jar = TestJars.jar(dir.resolve("peer.jar"), null, TakeoverPeer.class);
    int port = Ports.free();
    List<ChildJvm> peers = new ArrayList<>();
    try {
      for (String name : List.of("a", "b", "c")) {
        peers.add(ChildJvm.start(name, ChildJvm.withAgent("url=" + Ports.url(port) + ",name=" + name,
            "-cp", jar.toString(), TakeoverPeer.class.getName(), name, Integer.toString(EVENTS), "5")));
      }
      for (ChildJvm p : peers) p.awaitLine("READY", WAIT);
      long hostPid = awaitListener(port, peers, WAIT);
      ChildJvm host = peers.stream().filter(p -> p.pid() == hostPid).findFirst().orElseThrow();
      List<ChildJvm> survivors = new ArrayList<>(peers);
      survivors.remove(host);

      for (ChildJvm p : peers) p.send("go");
      awaitReports(survivors, counts -> Stream.of("a", "b", "c").allMatch(n -> counts.getOrDefault(n, 0) >= 30),
          "30 events from each peer");
      if (kill) {
        host.kill();
      } else {
        host.terminate();
      }
      long killed = System.nanoTime();
      long newHost = awaitListener(port, survivors, Duration.ofSeconds(30));
      long takeoverMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
      System.out.println("takeover: pid " + newHost + " hosts the relay " + takeoverMillis + " ms after the host "
          + (kill ? "was killed" : "exited"));

      for (ChildJvm p : survivors) System.out.println(p + ": " + p.awaitLine("EMITTED", WAIT));
      List<String> names = survivors.stream().map(ChildJvm::name).toList();
      Map<ChildJvm, Map<String, Integer>> last = awaitReports(survivors,
          counts -> names.stream().allMatch(n -> counts.getOrDefault(n, 0) >= EVENTS), "every survivor event");
      for (ChildJvm p : survivors) {
        Map<String, Integer> counts = last.get(p);
        for (String n : names) assertEquals(EVENTS, counts.get(n), p + " received from " + n + ": " + counts);
        assertEquals(0, counts.get("duplicates"), "duplicates reached a handler: " + counts);
      }
      assertTrue(takeoverMillis < 5_000, "takeover took " + takeoverMillis + " ms");
    } finally {
      for (ChildJvm p : peers) p.close();
    }
  }

  private static long awaitListener(int port, List<ChildJvm> candidates, Duration timeout) throws Exception {
    List<Long> pids = candidates.stream().map(ChildJvm::pid).toList();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      OptionalLong pid = Ports.listener(port, pids);
      if (pid.isPresent()) return pid.getAsLong();
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10)); // polling interval
    }
    throw new AssertionError("none of " + pids + " listens on " + port + " after " + timeout);
  }

  /** Asks each peer for its counts until {@code done} holds for all of them. */
  private static Map<ChildJvm, Map<String, Integer>> awaitReports(List<ChildJvm> peers,
      java.util.function.Predicate<Map<String, Integer>> done, String what) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    Map<ChildJvm, Map<String, Integer>> reports = new HashMap<>();
    while (System.nanoTime() < deadline) {
      boolean all = true;
      for (ChildJvm p : peers) {
        p.send("report");
        Map<String, Integer> counts = parse(p.awaitLine("REPORT", WAIT));
        reports.put(p, counts);
        all &= done.test(counts);
      }
      if (all) return reports;
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100)); // polling interval
    }
    throw new AssertionError("no " + what + " within " + WAIT + ": " + reports);
  }

  /** {@code REPORT a duplicates 0 a=300 b=300} */
  private static Map<String, Integer> parse(String line) {
    String[] f = line.split(" ");
    Map<String, Integer> counts = new HashMap<>();
    counts.put("duplicates", Integer.parseInt(f[3]));
    for (int i = 4; i < f.length; i++) {
      String[] kv = f[i].split("=");
      counts.put(kv[0], Integer.parseInt(kv[1]));
    }
    return counts;
  }
}
