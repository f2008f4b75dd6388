package org.universis.racket.junit;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;

/** Runs the racket-junit suites on JUnit's engine and checks that no thread they started is left. */
class NoThreadLeftTest {

  @Test
  void everyThreadTheExtensionStartedIsStoppedAfterTheSuites() throws InterruptedException {
    Set<Thread> before = new HashSet<>(Thread.getAllStackTraces().keySet());

    EngineTestKit.engine("junit-jupiter")
        .selectors(selectClass(RacketJunitTest.class), selectClass(PerMethodRelayTest.class))
        .execute()
        .testEvents()
        .assertStatistics(s -> s.started(9).succeeded(9).failed(0));

    // Closing joins the relay's workers; a client's threads may take a moment to see their socket closed.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    List<String> left;
    while (!(left = newThreads(before)).isEmpty()) {
      if (System.nanoTime() > deadline) throw new AssertionError("threads left after the suites: " + left);
      Thread.sleep(20); // polling interval; the condition above decides
    }
  }

  private static List<String> newThreads(Set<Thread> before) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && !before.contains(t))
        .map(Thread::getName)
        .sorted()
        .collect(Collectors.toList());
  }
}
