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
import java.util.function.ToDoubleFunction;

/** Renders the outcomes as markdown: medians over runs, then the targets as same-run ratios. */
final class Report {

  static final String BEGIN = "<!-- bench:results:begin -->";
  static final String END = "<!-- bench:results:end -->";

  private final Config config;
  private final List<Scenario.Outcome> outcomes;
  private final List<String> failures;
  private final List<String> remeasured;
  private final FanoutCheck.Result fanout;

  Report(Config config, List<Scenario.Outcome> outcomes, List<String> failures, List<String> remeasured,
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
        .append("; every value is the median of ").append(config.runs()).append(" run(s).\n\n");
    throughput(b);
    latency(b);
    sustained(b);
    int s = config.mostSubscribers();
    targets(b, s);
    rounds(b, s);
    if (!remeasured.isEmpty()) {
      b.append(String.format(Locale.ROOT, "\nMeasured again because the host stole more than %.0f %% of the"
          + " machine's CPU time while they were measured (the table keeps the try it took least from): ",
          config.maxStolen() * 100))
          .append(String.join(", ", remeasured)).append(".\n");
    }
    if (!failures.isEmpty()) {
      b.append("\nScenarios that failed:\n\n");
      failures.forEach(f -> b.append("- ").append(f.replace('\n', ' ')).append('\n'));
    }
    return b.toString();
  }

  private void throughput(StringBuilder b) {
    b.append("### Throughput: the publisher sends as fast as its client allows (").append(config.throughputSeconds())
        .append(" s at most), 256-byte JSON events, after a warm-up (")
        .append(config.warmupSeconds()).append(" s at the latency phase's rate, ")
        .append(config.warmupSeconds())
        .append(" s flat out, then flat out until the JIT compilers of every worker and of the relay are quiet)\n\n")
        .append("| system | S | events/s per subscriber | slowest subscriber | publisher events/s | lost | out of order | twice | server peak RSS | CPU µs/event: server, publisher, each subscriber |\n")
        .append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
    for (Transport.Kind kind : config.systems()) {
      for (int s : config.subscribers()) {
        List<Scenario.Outcome> os = select(kind, s, false);
        if (os.isEmpty()) continue;
        b.append("| ").append(kind.label).append(" | ").append(s)
            .append(" | ").append(count(median(os, Scenario.Outcome::meanSubscriberRate)))
            .append(" | ").append(count(median(os, Scenario.Outcome::minSubscriberRate)))
            .append(" | ").append(count(median(os, Scenario.Outcome::publisherRate)))
            .append(" | ").append(percent(median(os, Scenario.Outcome::lossRatio)))
            .append(" | ").append(count(median(os, o -> o.disordered())))
            .append(" | ").append(count(median(os, o -> o.duplicates())))
            .append(" | ").append(mib(median(os, o -> o.serverPeakKiB())))
            .append(" | ").append(cpu(os)).append(" |\n");
      }
    }
  }

  private void latency(StringBuilder b) {
    b.append("\n### Latency: ").append(count(config.rate())).append(" events/s for ").append(config.latencySeconds())
        .append(" s after a warm-up (").append(config.warmupSeconds()).append(" s flat out, ")
        .append(config.warmupSeconds()).append(" s at the rate, then at the rate until every")
        .append(" worker's and the relay's JIT compilers are quiet); send (a late tick: when it was due) to receipt,")
        .append(" µs, all subscribers\n\n")
        .append("| system | S | sent/s | p50 | p99 | p99.9 | max | lost | CPU µs/event: server, publisher, each subscriber |\n")
        .append("|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
    for (Transport.Kind kind : config.systems()) {
      for (int s : config.subscribers()) {
        List<Scenario.Outcome> os = select(kind, s, true);
        if (os.isEmpty()) continue;
        // A publisher that cannot keep up with the rate shows here: its latency is at a lower load.
        b.append("| ").append(kind.label).append(" | ").append(s)
            .append(" | ").append(count(median(os, Scenario.Outcome::publisherRate)));
        for (double q : new double[] {50, 99, 99.9, 100}) {
          b.append(" | ").append(micros(median(os, o -> o.latency().getValueAtPercentile(q))));
        }
        b.append(" | ").append(percent(median(os, Scenario.Outcome::lossRatio)))
            .append(" | ").append(cpu(os)).append(" |\n");
      }
    }
  }

  private void sustained(StringBuilder b) {
    List<Scenario.Outcome> os = outcomes.stream().filter(o -> o.scenario().isSustained()).toList();
    if (os.isEmpty()) return;
    b.append("\n### Sustained: racket-sse-stream paced at half of racket-ws's throughput in the same round, ")
        .append(config.latencySeconds()).append(" s\n\n")
        .append("| system | S | round | paced at | sent/s | events/s per subscriber | lost | p50 µs | p99 µs | CPU µs/event: server, publisher, each subscriber |\n")
        .append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
    for (Scenario.Outcome o : os) {
      Scenario sc = o.scenario();
      b.append("| ").append(sc.kind().label).append(" | ").append(sc.subscribers()).append(" | ").append(sc.round())
          .append(" | ").append(count(sc.pace())).append(" | ").append(count(o.publisherRate()))
          .append(" | ").append(count(o.meanSubscriberRate())).append(" | ").append(percent(o.lossRatio()))
          .append(" | ").append(micros(o.latency().getValueAtPercentile(50)))
          .append(" | ").append(micros(o.latency().getValueAtPercentile(99)))
          .append(" | ").append(cpu(List.of(o))).append(" |\n");
    }
  }

  private void targets(StringBuilder b, int s) {
    b.append("\n### Targets (S = ").append(s).append(", ratios within this run)\n\n")
        .append("| target | measured | met |\n|---|---|---|\n");
    ratio(b, "racket-ws throughput per subscriber ≥ NATS core's", Transport.Kind.RACKET_WS,
        Transport.Kind.NATS, s, false, 1);
    ratio(b, "racket-ws p99 latency ≤ Redis pub/sub's", Transport.Kind.RACKET_WS,
        Transport.Kind.REDIS, s, true, 1);
    ratio(b, "racket-sse p99 latency ≤ Redis pub/sub's (for reference)", Transport.Kind.RACKET_SSE,
        Transport.Kind.REDIS, s, true, 1);
    ratio(b, "racket-sse throughput ≥ half of racket-ws's", Transport.Kind.RACKET_SSE,
        Transport.Kind.RACKET_WS, s, false, 0.5);
    ratio(b, "the same through a minimal HTTP/1.1 client (racket-sse-raw)", Transport.Kind.RACKET_SSE_RAW,
        Transport.Kind.RACKET_WS, s, false, 0.5);
    ratio(b, "the same with one NDJSON stream per publisher (racket-sse-stream)", Transport.Kind.RACKET_SSE_STREAM,
        Transport.Kind.RACKET_WS, s, false, 0.5);
    sustainedTarget(b, s);
    ratio(b, "racket-sse-stream p99 latency ≤ Redis pub/sub's (for reference)", Transport.Kind.RACKET_SSE_STREAM,
        Transport.Kind.REDIS, s, true, 1);
    if (fanout != null) {
      double idle = fanout.idleKiB() / 1024.0;
      double tuned = fanout.idleTunedKiB() / 1024.0;
      b.append("| relay RSS idle < 64 MiB | ").append(String.format(Locale.ROOT,
              "%.1f MiB as `java -jar`; %.1f MiB with `%s`", idle, tuned, String.join(" ", FanoutCheck.LEAN_JVM)))
          .append(" | ").append(idle < 64 ? "yes" : tuned < 64 ? "with those options" : "**no**").append(" |\n");
      boolean ok = fanout.open() == fanout.connections() && fanout.errors() == 0
          && fanout.complete() == fanout.connections() && fanout.postFailures() == 0;
      b.append("| ").append(count(fanout.connections())).append(" concurrent SSE subscribers without errors | ")
          .append(fanout.open()).append(" opened, ").append(fanout.errors()).append(" errors, ")
          .append(fanout.complete()).append(" received all ").append(FanoutCheck.EVENTS).append(" events (")
          .append(count(fanout.events())).append(" deliveries), ").append(fanout.postFailures())
          .append(" POSTs refused; relay RSS ").append(mib(fanout.connectedKiB())).append(" (peak ")
          .append(mib(fanout.peakKiB())).append(") | ").append(ok ? "yes" : "**no**").append(" |\n");
    }
  }

  // Carried: the publisher kept the pace (within 2 %) and every subscriber got every event.
  private void sustainedTarget(StringBuilder b, int s) {
    List<Scenario.Outcome> os = outcomes.stream()
        .filter(o -> o.scenario().isSustained() && o.scenario().subscribers() == s).toList();
    String what = "racket-sse-stream carries half of racket-ws's throughput (Sustained)";
    if (os.isEmpty()) {
      b.append("| ").append(what).append(" | not measured in this run | - |\n");
      return;
    }
    long carried = os.stream().filter(o -> o.lost() == 0 && o.publisherRate() >= 0.98 * o.scenario().pace()).count();
    b.append("| ").append(what).append(" | ").append(carried).append(" of ").append(os.size())
        .append(" rounds whole, at ").append(String.join(", ", os.stream().map(o -> count(o.scenario().pace())).toList()))
        .append(" ev/s | ").append(carried == os.size() ? "yes" : "**no**").append(" |\n");
  }

  /**
   * One target: the ratio of the medians, then of each round, whose two systems ran minutes apart
   * on the same machine. A median met while some round missed it is reported as such: on two
   * shared cores a p99 differs by up to 4× between rounds, so one round's luck must not decide.
   * Throughput must reach {@code bound} times the peer's; a p99 must stay within it.
   */
  private void ratio(StringBuilder b, String what, Transport.Kind ours, Transport.Kind peer, int s,
      boolean latency, double bound) {
    ToDoubleFunction<Scenario.Outcome> f = latency
        ? o -> o.latency().getValueAtPercentile(99) : Scenario.Outcome::meanSubscriberRate;
    List<Scenario.Outcome> mine = select(ours, s, latency);
    List<Scenario.Outcome> theirs = select(peer, s, latency);
    if (mine.isEmpty() || theirs.isEmpty() || median(theirs, f) == 0) {
      b.append("| ").append(what).append(" | not measured in this run | - |\n");
      return;
    }
    double ourMedian = median(mine, f);
    double theirMedian = median(theirs, f);
    List<String> rounds = new ArrayList<>();
    int roundsMet = 0;
    for (Scenario.Outcome[] pair : sameRound(mine, theirs, f)) {
      double r = f.applyAsDouble(pair[0]) / f.applyAsDouble(pair[1]);
      rounds.add(String.format(Locale.ROOT, "%.2f×", r));
      if (meets(r, bound, latency)) roundsMet++;
    }
    double r = ourMedian / theirMedian;
    b.append("| ").append(what).append(" | ").append(String.format(Locale.ROOT, "%.2f× (%s vs %s %s", r,
        latency ? micros(ourMedian) : count(ourMedian), latency ? micros(theirMedian) : count(theirMedian),
        latency ? "µs" : "ev/s"));
    if (rounds.size() > 1) b.append("; rounds ").append(String.join(", ", rounds));
    b.append(") | ");
    if (!meets(r, bound, latency)) b.append("**no**");
    else if (roundsMet == rounds.size()) b.append("yes");
    else b.append("median only: ").append(roundsMet).append(" of ").append(rounds.size()).append(" rounds");
    b.append(" |\n");
  }

  /**
   * The two headline targets in each round, with the share of the machine's CPU time the host
   * stole while each of the two phases was measured: on a VM, a round's ratio can be the host's.
   */
  private void rounds(StringBuilder b, int s) {
    StringBuilder rows = new StringBuilder();
    roundRows(rows, "throughput per subscriber, NATS", Transport.Kind.NATS, s, false);
    roundRows(rows, "p99 latency, Redis", Transport.Kind.REDIS, s, true);
    if (rows.isEmpty()) return;
    b.append("\n### The two headline targets round by round (S = ").append(s)
        .append("), with the share of the machine's CPU time the host stole while each phase was measured\n\n")
        .append("| measure, peer | round | racket-ws | peer | ratio | stolen: racket-ws, peer |\n")
        .append("|---|---:|---:|---:|---:|---|\n")
        .append(rows);
  }

  private void roundRows(StringBuilder rows, String what, Transport.Kind peer, int s, boolean latency) {
    ToDoubleFunction<Scenario.Outcome> f = latency
        ? o -> o.latency().getValueAtPercentile(99) / 1000 : Scenario.Outcome::meanSubscriberRate;
    String unit = latency ? " µs" : " ev/s";
    List<Scenario.Outcome> ours = select(Transport.Kind.RACKET_WS, s, latency);
    for (Scenario.Outcome[] pair : sameRound(ours, select(peer, s, latency), f)) {
      double mine = f.applyAsDouble(pair[0]);
      double theirs = f.applyAsDouble(pair[1]);
      rows.append("| ").append(what).append(" | ").append(pair[0].scenario().round())
          .append(" | ").append(count(mine)).append(unit)
          .append(" | ").append(count(theirs)).append(unit)
          .append(" | ").append(String.format(Locale.ROOT, "%.2f×", mine / theirs))
          .append(" | ").append(stolen(pair[0].stolen())).append(", ").append(stolen(pair[1].stolen())).append(" |\n");
    }
  }

  /** Each round's outcome of ours with the peer's of the same round, where the peer's is not 0. */
  private static List<Scenario.Outcome[]> sameRound(List<Scenario.Outcome> mine, List<Scenario.Outcome> theirs,
      ToDoubleFunction<Scenario.Outcome> f) {
    List<Scenario.Outcome[]> pairs = new ArrayList<>();
    for (Scenario.Outcome a : mine) {
      for (Scenario.Outcome z : theirs) {
        if (z.scenario().round() == a.scenario().round() && f.applyAsDouble(z) != 0) {
          pairs.add(new Scenario.Outcome[] {a, z});
        }
      }
    }
    return pairs;
  }

  private static boolean meets(double ratio, double bound, boolean atMost) {
    return atMost ? ratio <= bound : ratio >= bound;
  }

  private List<Scenario.Outcome> select(Transport.Kind kind, int s, boolean latency) {
    List<Scenario.Outcome> out = new ArrayList<>();
    for (Scenario.Outcome o : outcomes) {
      Scenario sc = o.scenario();
      if (sc.kind() == kind && sc.subscribers() == s && sc.latency() == latency && !sc.isSustained()) out.add(o);
    }
    return out;
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

  private static String count(double v) {
    return String.format(Locale.ROOT, "%,.0f", v);
  }

  private static String micros(double nanos) {
    return String.format(Locale.ROOT, "%,.0f", nanos / 1000);
  }

  private static String percent(double ratio) {
    return ratio == 0 ? "0" : String.format(Locale.ROOT, "%.2f%%", ratio * 100);
  }

  private static String stolen(double share) {
    return Double.isNaN(share) ? "?" : String.format(Locale.ROOT, "%.0f %%", share * 100);
  }

  private static String mib(double kib) {
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
