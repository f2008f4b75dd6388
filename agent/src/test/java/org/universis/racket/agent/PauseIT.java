package org.universis.racket.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.universis.racket.agent.apps.PausePeer;

/**
 * Six JVMs with the agent emit every 5 ms and listen three ways; the one hosting the relay is
 * frozen (SIGSTOP) for 8 s and then continued, as a long GC pause or a debugger would. Each peer
 * then emits to the end of its run (the host's ends a second after the others'), waits for the
 * others' events and exits on its own. Every peer must have
 * every other peer's events, once and in order, all three ways. Looped, so that timing luck
 * cannot pass it.
 */
class PauseIT {

  private static final List<String> NAMES = List.of("a", "b", "c", "d", "e", "f");
  private static final int ROUNDS = 3;
  private static final Duration FREEZE = Duration.ofSeconds(8);
  // The peers emit until the same moment: 1 s before the freeze, and 3 s after it.
  private static final Duration RUN = FREEZE.plusSeconds(4);
  private static final Duration HOST_LATER = Duration.ofSeconds(1);
  private static final Duration WAIT = Duration.ofSeconds(90);

  @TempDir Path dir;

  @Test
  void aHostFrozenForEightSecondsLosesAndDoublesNothingForAnyPeer() throws Exception {
    Path jar = TestJars.jar(dir.resolve("peer.jar"), null, PausePeer.class);
    for (int round = 1; round <= ROUNDS; round++) round(jar, round);
  }

  private void round(Path jar, int round) throws Exception {
    int port = Ports.free();
    List<ChildJvm> peers = new ArrayList<>();
    try {
      for (String name : NAMES) {
        peers.add(ChildJvm.start(name, ChildJvm.withAgent("url=" + Ports.url(port) + ",name=" + name,
            "-Xmx128m", "-cp", jar.toString(), PausePeer.class.getName(), name, "5",
            String.join(",", NAMES), "60")));
      }
      for (ChildJvm p : peers) p.awaitLine("READY", WAIT);
      ChildJvm host = hostOf(port, peers);
      // The host's run ends last, so it exits right after its last emits, while the others wait
      // for them: what it emitted and acknowledged last must reach them all the same.
      long end = System.currentTimeMillis() + RUN.toMillis();
      for (ChildJvm p : peers) p.send("go " + (p == host ? end + HOST_LATER.toMillis() : end));
      host.awaitLine("EMITTING", WAIT);
      LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1)); // the scenario: a freeze 1 s into the run
      signal("STOP", host);
      try {
        LockSupport.parkNanos(FREEZE.toNanos()); // the scenario: the freeze's length
      } finally {
        signal("CONT", host);
      }
      System.out.println("PauseIT round " + round + ": host " + host + " frozen for " + FREEZE);
      Map<String, Integer> emitted = new HashMap<>();
      for (ChildJvm p : peers) {
        emitted.put(p.name(), Integer.parseInt(p.awaitLine("EMITTED", WAIT).split(" ")[2]));
      }
      for (ChildJvm p : peers) {
        for (int way = 0; way < 3; way++) {
          String report = p.awaitLine("REPORT", WAIT);
          assertEquals(expected(p, report.split(" ")[2], emitted), report, "round " + round + ", "
              + p + (p == host ? " (the frozen host)" : "") + "; stderr:\n" + p.stderr());
        }
      }
      for (ChildJvm p : peers) assertEquals(0, p.exit(WAIT), p + " exit code; stderr:\n" + p.stderr());
    } finally {
      for (ChildJvm p : peers) p.close();
    }
  }

  private static String expected(ChildJvm peer, String way, Map<String, Integer> emitted) {
    StringBuilder line = new StringBuilder("REPORT " + peer.name() + " " + way + " duplicates=0 outOfOrder=0 resyncs=0");
    for (String n : NAMES) {
      if (!n.equals(peer.name())) line.append(' ').append(n).append('=').append(emitted.get(n)).append('/').append(emitted.get(n));
    }
    return line.toString();
  }

  private static ChildJvm hostOf(int port, List<ChildJvm> peers) throws IOException {
    List<Long> pids = peers.stream().map(ChildJvm::pid).toList();
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      OptionalLong pid = Ports.listener(port, pids);
      if (pid.isPresent()) return peers.stream().filter(p -> p.pid() == pid.getAsLong()).findFirst().orElseThrow();
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10)); // polling interval
    }
    throw new AssertionError("none of " + pids + " listens on " + port);
  }

  private static void signal(String signal, ChildJvm peer) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(peer.pid())).inheritIO().start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new AssertionError("kill -" + signal + " " + peer.pid() + " failed");
    }
  }
}
