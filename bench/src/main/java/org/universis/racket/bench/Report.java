package org.universis.racket.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;

/**
 * Renders the outcomes as markdown: the two views side by side, medians over rounds, every row
 * that lost events or had failed emits marked FAILED in its table; then the targets
 * ({@link Targets}).
 */
final class Report {

  static final String BEGIN = "<!-- bench:results:begin -->";
  static final String END = "<!-- bench:results:end -->";
  static final String FAILED = "**FAILED**";

  private final Config config;
  private final List<Scenario.Outcome> outcomes;
  private final List<Failure> failures;
  private final List<String> remeasured;
  private final FanoutCheck.Result fanout;

  /** What failed: a scenario that could not finish (its row is FAILED), or else ({@code scenario} null). */
  record Failure(Scenario scenario, String what) {}

  Report(Config config, List<Scenario.Outcome> outcomes, List<Failure> failures, List<String> remeasured,
      FanoutCheck.Result fanout) {
    this.config = config;
    this.outcomes = outcomes;
    this.failures = failures;
    this.remeasured = remeasured;
    this.fanout = fanout;
  }

  String markdown(String command) {
    StringBuilder b = new StringBuilder();
    b.append("Measured ").append(ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")))
        .append(" on ").append(Machine.describe()).append(".\n")
        .append("Command: `").append(command).append("`").append(config.quick() ? " (quick mode)" : "")
        .append("; every value is the median of ").append(config.runs()).append(" round(s); a cell reads")
        .append(" `opaque / objects` (View). A row that lost events or had failed emits is ").append(FAILED)
        .append(", whatever its rate.\n\n");
    throughput(b);
    latency(b);
    sustained(b);
    burst(b);
    new Targets(this, config, fanout).markdown(b);
    if (!remeasured.isEmpty()) {
      b.append(String.format(Locale.ROOT, "\nMeasured again because the host stole more than %.0f %% of the"
          + " machine's CPU time while they were measured (the table keeps the try it took least from): ",
          config.maxStolen() * 100))
          .append(String.join(", ", remeasured)).append(".\n");
    }
    if (!failures.isEmpty()) {
      b.append("\nFailed (the run exits 1):\n\n");
      failures.forEach(f -> b.append("- ").append(f.what().replace('\n', ' ')).append('\n'));
    }
    return b.toString();
  }

  private void throughput(StringBuilder b) {
    b.append("### Throughput: the publisher sends as fast as its client allows, at most 8,192 in flight (")
        .append(config.throughputSeconds()).append(" s), 256-byte payloads, after a warm-up\n\n")
        .append("| system | S | status | events/s per subscriber | slowest subscriber | publisher events/s | lost |"
            + " server peak RSS | CPU µs/event: server, publisher, each subscriber |\n")
        .append("|---|---:|---|---:|---:|---:|---:|---:|---|\n");
    for (Transport.Kind kind : config.systems()) {
      for (int s : config.subscribers()) {
        List<List<Scenario.Outcome>> byView = byView(kind, s, Scenario.Phase.THROUGHPUT);
        if (byView.stream().allMatch(List::isEmpty) && broken(kind, s, Scenario.Phase.THROUGHPUT).isEmpty()) continue;
        b.append("| ").append(kind.label).append(" | ").append(s).append(" | ")
            .append(status(byView, broken(kind, s, Scenario.Phase.THROUGHPUT)))
            .append(" | ").append(views(byView, os -> count(median(os, Scenario.Outcome::meanSubscriberRate))))
            .append(" | ").append(views(byView, os -> count(median(os, Scenario.Outcome::minSubscriberRate))))
            .append(" | ").append(views(byView, os -> count(median(os, Scenario.Outcome::publisherRate))))
            .append(" | ").append(views(byView, Report::lost))
            .append(" | ").append(views(byView, os -> mib(median(os, o -> o.serverPeakKiB()))))
            .append(" | ").append(views(byView, Report::cpu)).append(" |\n");
      }
    }
  }

  private void latency(StringBuilder b) {
    b.append("\n### Latency: ").append(count(config.rate())).append(" events/s for ").append(config.latencySeconds())
        .append(" s after a warm-up; send (a late tick: when it was due) to receipt, µs, all subscribers\n\n")
        .append("| system | S | status | sent/s | p50 | p99 | p99.9 | max | lost | CPU µs/event: server, publisher, each subscriber |\n")
        .append("|---|---:|---|---:|---:|---:|---:|---:|---:|---|\n");
    for (Transport.Kind kind : config.systems()) {
      for (int s : config.subscribers()) {
        List<List<Scenario.Outcome>> byView = byView(kind, s, Scenario.Phase.LATENCY);
        if (byView.stream().allMatch(List::isEmpty) && broken(kind, s, Scenario.Phase.LATENCY).isEmpty()) continue;
        // A publisher that cannot keep up with the rate shows here: its latency is at a lower load.
        b.append("| ").append(kind.label).append(" | ").append(s).append(" | ")
            .append(status(byView, broken(kind, s, Scenario.Phase.LATENCY)))
            .append(" | ").append(views(byView, os -> count(median(os, Scenario.Outcome::publisherRate))));
        for (double q : new double[] {50, 99, 99.9, 100}) {
          b.append(" | ").append(views(byView, os -> micros(median(os, o -> o.latency().getValueAtPercentile(q)))));
        }
        b.append(" | ").append(views(byView, Report::lost))
            .append(" | ").append(views(byView, Report::cpu)).append(" |\n");
      }
    }
  }

  private void sustained(StringBuilder b) {
    List<Scenario.Outcome> os = outcomes.stream().filter(o -> o.scenario().isSustained()).toList();
    if (os.isEmpty()) return;
    b.append("\n### Sustained: racket-sse-stream paced at half of racket-ws's throughput in the same round and view, ")
        .append(config.latencySeconds()).append(" s\n\n")
        .append("| system | view | S | round | status | paced at | sent/s | events/s per subscriber | lost | p50 µs | p99 µs |\n")
        .append("|---|---|---:|---:|---|---:|---:|---:|---:|---:|---:|\n");
    for (Scenario.Outcome o : os) {
      Scenario sc = o.scenario();
      b.append("| ").append(sc.kind().label).append(" | ").append(sc.view().label).append(" | ").append(sc.subscribers())
          .append(" | ").append(sc.round()).append(" | ").append(o.failedRow() ? FAILED : "ok")
          .append(" | ").append(count(sc.pace())).append(" | ").append(count(o.publisherRate()))
          .append(" | ").append(count(o.meanSubscriberRate())).append(" | ").append(lost(List.of(o)))
          .append(" | ").append(micros(o.latency().getValueAtPercentile(50)))
          .append(" | ").append(micros(o.latency().getValueAtPercentile(99))).append(" |\n");
    }
  }

  private void burst(StringBuilder b) {
    List<Scenario.Outcome> os = outcomes.stream().filter(o -> o.scenario().phase() == Scenario.Phase.BURST).toList();
    List<Failure> broken = failures.stream()
        .filter(f -> f.scenario() != null && f.scenario().phase() == Scenario.Phase.BURST).toList();
    if (os.isEmpty() && broken.isEmpty()) return;
    b.append("\n### Burst: ").append(count(config.burst()))
        .append(" events in one loop with no window, at each client's defaults (what the client refuses is counted, not retried)\n\n")
        .append("| system | view | S | status | failed emits | lost, most by one subscriber | lost, all subscribers |"
            + " events/s per subscriber | publisher events/s | server peak RSS |\n")
        .append("|---|---|---:|---|---:|---:|---:|---:|---:|---:|\n");
    for (Transport.Kind kind : config.systems()) {
      for (View view : config.views()) {
        os.stream().filter(o -> o.scenario().kind() == kind && o.scenario().view() == view).forEach(o -> b.append("| ")
            .append(kind.label).append(" | ").append(view.label).append(" | ").append(o.scenario().subscribers())
            .append(" | ").append(o.failedRow() ? FAILED : "ok").append(" | ").append(count(o.failed()))
            .append(" | ").append(count(o.mostLost())).append(" | ").append(count(o.lost()))
            .append(" | ").append(count(o.meanSubscriberRate())).append(" | ").append(count(o.publisherRate()))
            .append(" | ").append(mib(o.serverPeakKiB())).append(" |\n"));
        broken.stream().filter(f -> f.scenario().kind() == kind && f.scenario().view() == view).forEach(f -> b.append("| ")
            .append(kind.label).append(" | ").append(view.label).append(" | ").append(f.scenario().subscribers())
            .append(" | ").append(FAILED).append(": ").append(reason(f)).append(" | - | - | - | - | - | - |\n"));
      }
    }
  }

  /**
   * FAILED with the views whose outcomes lost events or failed emits in any round, or whose
   * scenario could not finish (and why); else ok.
   */
  private String status(List<List<Scenario.Outcome>> byView, List<Failure> broken) {
    List<String> failed = new ArrayList<>();
    for (int i = 0; i < byView.size(); i++) {
      View v = config.views().get(i);
      if (byView.get(i).stream().anyMatch(Scenario.Outcome::failedRow)) failed.add(v.label);
      broken.stream().filter(f -> f.scenario().view() == v).findFirst()
          .ifPresent(f -> failed.add(v.label + ": " + reason(f)));
    }
    return failed.isEmpty() ? "ok" : FAILED + " (" + String.join("; ", failed) + ")";
  }

  /** The scenarios that could not finish. */
  List<Failure> broken() {
    return failures.stream().filter(f -> f.scenario() != null).toList();
  }

  /** The scenarios of this system, S and phase that could not finish. */
  private List<Failure> broken(Transport.Kind kind, int s, Scenario.Phase phase) {
    return failures.stream().filter(f -> f.scenario() != null && f.scenario().kind() == kind
        && f.scenario().subscribers() == s && f.scenario().phase() == phase && !f.scenario().isSustained()).toList();
  }

  /** Why a scenario could not finish, short enough for a cell: the exception a process died of, if any. */
  private static String reason(Failure f) {
    String who = f.what().contains(": pub exited") ? "the publisher died" : f.what().contains(": sub") ? "a subscriber died"
        : "did not finish";
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("java\\.lang\\.(\\w*(Error|Exception))").matcher(f.what());
    return m.find() ? who + " (" + m.group(1) + ")" : who;
  }

  /** One cell: each view's value, " / " between them, "-" where a view has none. */
  private static String views(List<List<Scenario.Outcome>> byView,
      java.util.function.Function<List<Scenario.Outcome>, String> f) {
    List<String> cells = new ArrayList<>();
    for (List<Scenario.Outcome> os : byView) cells.add(os.isEmpty() ? "-" : f.apply(os));
    return String.join(" / ", cells);
  }

  private List<List<Scenario.Outcome>> byView(Transport.Kind kind, int s, Scenario.Phase phase) {
    List<List<Scenario.Outcome>> out = new ArrayList<>();
    for (View v : config.views()) out.add(select(kind, v, s, phase));
    return out;
  }

  /** The outcomes of one system, view, S and phase, one a round; sustained checks left out. */
  List<Scenario.Outcome> select(Transport.Kind kind, View view, int s, Scenario.Phase phase) {
    return select(o -> o.scenario().kind() == kind && o.scenario().view() == view && o.scenario().subscribers() == s
        && o.scenario().phase() == phase && !o.scenario().isSustained());
  }

  List<Scenario.Outcome> select(Predicate<Scenario.Outcome> which) {
    return outcomes.stream().filter(which).toList();
  }

  static double median(List<Scenario.Outcome> os, ToDoubleFunction<Scenario.Outcome> f) {
    double[] v = os.stream().mapToDouble(f).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  /** CPU per event of each process, medians: robust to a busy machine where rates are not. */
  private static String cpu(List<Scenario.Outcome> os) {
    return String.format(Locale.ROOT, "%.1f, %.1f, %.1f", median(os, Scenario.Outcome::serverCpuMicros),
        median(os, Scenario.Outcome::publisherCpuMicros), median(os, Scenario.Outcome::subscriberCpuMicros));
  }

  static String count(double v) {
    return String.format(Locale.ROOT, "%,.0f", v);
  }

  static String micros(double nanos) {
    return String.format(Locale.ROOT, "%,.0f", nanos / 1000);
  }

  /** Lost events (median over rounds), with their share of what the subscribers should have got. */
  private static String lost(List<Scenario.Outcome> os) {
    double lost = median(os, Scenario.Outcome::lost);
    return lost == 0 ? "0" : String.format(Locale.ROOT, "%,.0f (%.2f %%)", lost, median(os, Scenario.Outcome::lossRatio) * 100);
  }

  static String mib(double kib) {
    return kib < 0 ? "?" : String.format(Locale.ROOT, "%.0f MiB", kib / 1024);
  }

  /** Replaces what lies between the markers in {@code file} (or appends them) with {@code text}. */
  static void write(Path file, String text) throws IOException {
    String old = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "# Performance\n\n";
    int begin = old.indexOf(BEGIN);
    int end = old.indexOf(END);
    String block = BEGIN + "\n" + text + END;
    String updated = begin >= 0 && end > begin
        ? old.substring(0, begin) + block + old.substring(end + END.length())
        : old + "\n" + block + "\n";
    Files.writeString(file, updated, StandardCharsets.UTF_8);
  }
}
