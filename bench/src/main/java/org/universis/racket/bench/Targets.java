package org.universis.racket.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * The report's targets at the largest S, in each view, as ratios to the peer measured in the same
 * run: a ratio between systems that ran minutes apart on one machine means something
 * where an absolute rate on a shared machine does not.
 */
final class Targets {

  /** One view's verdict on one target; {@code met} null when it was not measured. */
  private record Cell(String text, Boolean met) {
    static final Cell NOT_MEASURED = new Cell("not measured in this run", null);
  }

  private final Report report;
  private final Config config;
  private final FanoutCheck.Result fanout;

  Targets(Report report, Config config, FanoutCheck.Result fanout) {
    this.report = report;
    this.config = config;
    this.fanout = fanout;
  }

  void markdown(StringBuilder b) {
    int s = config.mostSubscribers();
    b.append("\n### Targets (S = ").append(s).append(", ratios to the peer measured in this run)\n\n| target |");
    config.views().forEach(v -> b.append(' ').append(v.label).append(" |"));
    b.append(" met |\n|---|");
    config.views().forEach(v -> b.append("---|"));
    b.append("---|\n");
    row(b, "0 lost events and 0 failed emits in every racket row", v -> whole(v, s));
    row(b, "racket-ws throughput per subscriber ≥ 1.0× NATS core's", v -> ratio(Transport.Kind.RACKET_WS,
        Transport.Kind.NATS, v, s, Scenario.Phase.THROUGHPUT, 1));
    row(b, "racket-ws p99 at " + Report.count(config.rate()) + " ev/s ≤ 1.0× Redis+Lettuce's",
        v -> ratio(Transport.Kind.RACKET_WS, Transport.Kind.REDIS_LETTUCE, v, s, Scenario.Phase.LATENCY, 1));
    row(b, "racket-ws p99 at " + Report.count(config.rate()) + " ev/s ≤ 2× Redis+Jedis's",
        v -> ratio(Transport.Kind.RACKET_WS, Transport.Kind.REDIS_JEDIS, v, s, Scenario.Phase.LATENCY, 2));
    row(b, "racket-sse-stream (SSE NDJSON) throughput ≥ 0.5× racket-ws's", v -> ratio(Transport.Kind.RACKET_SSE_STREAM,
        Transport.Kind.RACKET_WS, v, s, Scenario.Phase.THROUGHPUT, 0.5));
    row(b, "racket-sse-stream carries half of racket-ws's rate whole (Sustained)", v -> sustained(v, s));
    if (fanout != null) relay(b);
  }

  private void row(StringBuilder b, String what, Function<View, Cell> measure) {
    List<String> missed = new ArrayList<>();
    boolean measured = false;
    b.append("| ").append(what).append(" |");
    for (View v : config.views()) {
      Cell c = measure.apply(v);
      b.append(' ').append(c.text()).append(" |");
      if (c.met() != null) measured = true;
      if (Boolean.FALSE.equals(c.met())) missed.add(v.label);
    }
    b.append(' ').append(!measured ? "-" : missed.isEmpty() ? "yes" : "**no** (" + String.join(", ", missed) + ")")
        .append(" |\n");
  }

  /** Every racket row of this view at S (every phase, the burst and sustained checks included). */
  private Cell whole(View view, int s) {
    List<Scenario.Outcome> rows = report.select(o -> o.scenario().kind().isRacket() && o.scenario().view() == view
        && o.scenario().subscribers() == s);
    List<Scenario> broken = report.broken().stream().map(Report.Failure::scenario)
        .filter(sc -> sc.kind().isRacket() && sc.view() == view && sc.subscribers() == s).toList();
    if (rows.isEmpty() && broken.isEmpty()) return Cell.NOT_MEASURED;
    List<String> failed = new ArrayList<>(rows.stream().filter(Scenario.Outcome::failedRow)
        .map(o -> String.format(Locale.ROOT, "%s %s (lost %,d, failed emits %,d)", o.scenario().kind().label,
            phase(o.scenario()), o.lost(), o.failed()))
        .toList());
    broken.forEach(sc -> failed.add(sc.kind().label + " " + phase(sc) + " (did not finish)"));
    int all = rows.size() + broken.size();
    return new Cell(failed.isEmpty() ? "0 of " + all + " rows failed"
        : failed.size() + " of " + all + " rows failed: " + String.join("; ", failed), failed.isEmpty());
  }

  private static String phase(Scenario sc) {
    return sc.isSustained() ? "sustained" : sc.phase().label;
  }

  /**
   * The ratio of the medians, and of each round when there are several. Throughput must reach
   * {@code bound} times the peer's; a p99 must stay within it; and our row must not have failed.
   */
  private Cell ratio(Transport.Kind ours, Transport.Kind peer, View view, int s, Scenario.Phase phase, double bound) {
    boolean latency = phase == Scenario.Phase.LATENCY;
    ToDoubleFunction<Scenario.Outcome> f = latency
        ? o -> o.latency().getValueAtPercentile(99) : Scenario.Outcome::meanSubscriberRate;
    List<Scenario.Outcome> mine = report.select(ours, view, s, phase);
    List<Scenario.Outcome> theirs = report.select(peer, view, s, phase);
    if (mine.isEmpty() || theirs.isEmpty() || Report.median(theirs, f) == 0) return Cell.NOT_MEASURED;
    double ourMedian = Report.median(mine, f);
    double theirMedian = Report.median(theirs, f);
    double r = ourMedian / theirMedian;
    StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "%.2f× (%s vs %s %s", r,
        latency ? Report.micros(ourMedian) : Report.count(ourMedian),
        latency ? Report.micros(theirMedian) : Report.count(theirMedian), latency ? "µs" : "ev/s"));
    if (mine.size() > 1) {
      List<String> rounds = new ArrayList<>();
      for (Scenario.Outcome a : mine) {
        for (Scenario.Outcome z : theirs) {
          if (z.scenario().round() == a.scenario().round() && f.applyAsDouble(z) != 0) {
            rounds.add(String.format(Locale.ROOT, "%.2f×", f.applyAsDouble(a) / f.applyAsDouble(z)));
          }
        }
      }
      text.append("; rounds ").append(String.join(", ", rounds));
    }
    // A rate or a tail bought by dropping events meets nothing: the row is FAILED.
    boolean lossy = mine.stream().anyMatch(Scenario.Outcome::failedRow);
    if (lossy) text.append("; ").append(ours.label).append(" row FAILED");
    return new Cell(text.append(')').toString(), !lossy && (latency ? r <= bound : r >= bound));
  }

  // Carried: the publisher kept the pace (within 2 %) and every subscriber got every event.
  private Cell sustained(View view, int s) {
    List<Scenario.Outcome> os = report.select(o -> o.scenario().isSustained() && o.scenario().view() == view
        && o.scenario().subscribers() == s);
    if (os.isEmpty()) return Cell.NOT_MEASURED;
    long carried = os.stream().filter(o -> o.lost() == 0 && o.publisherRate() >= 0.98 * o.scenario().pace()).count();
    return new Cell(carried + " of " + os.size() + " rounds whole, at " + String.join(", ",
        os.stream().map(o -> Report.count(o.scenario().pace())).toList()) + " ev/s", carried == os.size());
  }

  /** The relay's own targets: no payloads, so one cell across the views. */
  private void relay(StringBuilder b) {
    double idle = fanout.idleKiB() / 1024.0;
    double tuned = fanout.idleTunedKiB() / 1024.0;
    String span = " |".repeat(config.views().size() - 1);
    b.append("| relay idle RSS < 64 MiB | ").append(String.format(Locale.ROOT,
            "%.1f MiB as `java -jar`; %.1f MiB with `%s`", idle, tuned, String.join(" ", FanoutCheck.LEAN_JVM)))
        .append(span).append(" | ").append(idle < 64 ? "yes" : tuned < 64 ? "with those options" : "**no**").append(" |\n");
    boolean ok = fanout.open() == fanout.connections() && fanout.errors() == 0
        && fanout.complete() == fanout.connections() && fanout.postFailures() == 0;
    b.append("| ").append(Report.count(fanout.connections())).append(" SSE subscribers on one relay, without errors | ")
        .append(fanout.open()).append(" opened, ").append(fanout.errors()).append(" errors, ")
        .append(fanout.complete()).append(" received all ").append(FanoutCheck.EVENTS).append(" events (")
        .append(Report.count(fanout.events())).append(" deliveries), ").append(fanout.postFailures())
        .append(" POSTs refused; relay RSS ").append(Report.mib(fanout.connectedKiB())).append(" (peak ")
        .append(Report.mib(fanout.peakKiB())).append(")").append(span).append(" | ").append(ok ? "yes" : "**no**").append(" |\n");
  }
}
