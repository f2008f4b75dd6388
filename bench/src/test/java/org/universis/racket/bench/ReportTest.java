package org.universis.racket.bench;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class ReportTest {

  private final Config config = Config.parse("--quick", "--subscribers", "4", "--fanout", "0");

  private static Scenario.Outcome outcome(Transport.Kind kind, View view, Scenario.Phase phase, long failed, long lost) {
    Histogram latency = new Histogram(Receipts.HIGHEST_NANOS, 3);
    latency.recordValue(100_000);
    return new Scenario.Outcome(new Scenario(kind, view, 4, phase, 1), 1_000_000, failed, 100_000, 90_000, 80_000,
        lost, lost, 0, 0, latency, 100_000, 1, 1, 1, 0);
  }

  private String row(String report, String table, String system) {
    String section = report.substring(report.indexOf(table));
    return section.lines().filter(l -> l.startsWith("| " + system + " |")).findFirst().orElseThrow();
  }

  @Test
  void aRowThatLostEventsIsFailedInItsTable() {
    List<Scenario.Outcome> os = List.of(
        outcome(Transport.Kind.RACKET_WS, View.OPAQUE, Scenario.Phase.THROUGHPUT, 0, 0),
        outcome(Transport.Kind.RACKET_WS, View.OBJECTS, Scenario.Phase.THROUGHPUT, 0, 12),
        outcome(Transport.Kind.NATS, View.OPAQUE, Scenario.Phase.THROUGHPUT, 0, 0),
        outcome(Transport.Kind.NATS, View.OBJECTS, Scenario.Phase.THROUGHPUT, 0, 0));
    String report = new Report(config, os, List.of(), List.of(), null).markdown("test");
    assertTrue(row(report, "### Throughput", "racket-ws").contains("**FAILED** (objects)"), report);
    assertTrue(row(report, "### Throughput", "nats").contains("| ok |"), report);
    assertTrue(report.contains("| 0 lost events and 0 failed emits in every racket row | 0 of 1 rows failed | 1 of 1 rows failed"),
        report);
  }

  @Test
  void aRatioFromARowThatLostEventsMeetsNoTarget() {
    List<Scenario.Outcome> os = List.of(
        outcome(Transport.Kind.RACKET_WS, View.OPAQUE, Scenario.Phase.THROUGHPUT, 0, 0),
        outcome(Transport.Kind.RACKET_SSE_STREAM, View.OPAQUE, Scenario.Phase.THROUGHPUT, 0, 5));
    String report = new Report(config, os, List.of(), List.of(), null).markdown("test");
    String target = report.lines().filter(l -> l.startsWith("| racket-sse-stream (SSE NDJSON) throughput")).findFirst()
        .orElseThrow();
    assertTrue(target.contains("racket-sse-stream row FAILED") && target.endsWith("| **no** (opaque) |"), target);
  }

  @Test
  void aBurstWithFailedEmitsIsFailed() {
    List<Scenario.Outcome> os = List.of(outcome(Transport.Kind.RACKET_WS, View.OPAQUE, Scenario.Phase.BURST, 6_157, 0),
        outcome(Transport.Kind.NATS, View.OPAQUE, Scenario.Phase.BURST, 0, 0));
    String report = new Report(config, os, List.of(), List.of(), null).markdown("test");
    assertTrue(row(report, "### Burst", "racket-ws").contains("| **FAILED** | 6,157 |"), report);
    assertTrue(row(report, "### Burst", "nats").contains("| ok | 0 |"), report);
    assertTrue(os.get(0).failedRow());
    assertFalse(os.get(1).failedRow());
  }

  @Test
  void aScenarioThatCouldNotFinishIsAFailedRow() {
    List<Report.Failure> failures = new ArrayList<>();
    Scenario burst = new Scenario(Transport.Kind.REDIS_LETTUCE, View.OPAQUE, 4, Scenario.Phase.BURST, 1);
    failures.add(new Report.Failure(burst, burst.name() + ": pub exited with 3 before 'RESULT': Terminating due to"
        + " java.lang.OutOfMemoryError: Java heap space"));
    String report = new Report(config, List.of(), failures, List.of(), null).markdown("test");
    assertTrue(row(report, "### Burst", "redis-lettuce")
        .contains("**FAILED**: the publisher died (OutOfMemoryError)"), report);
  }
}
