package org.universis.racket.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The launcher: runs every scenario (separate publisher and subscriber JVMs; one server per
 * system and round; each phase in every view), the systems taking turns within each round so that
 * a noisy moment hurts them alike, then prints one markdown report and writes it into
 * docs/PERFORMANCE.md when asked. It exits 1 when a scenario could not run, or a row lost events
 * or had failed emits: such a row is marked FAILED in the report's tables.
 */
public final class Bench {

  /** How many more times a phase is measured at most while the host took too much of the CPU. */
  static final int REMEASURE = 2;

  private Bench() {}

  public static void main(String[] args) throws Exception {
    if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
      System.out.println(Config.USAGE);
      return;
    }
    Config config;
    try {
      config = Config.parse(args);
    } catch (RuntimeException e) {
      System.err.println(e.getMessage());
      System.err.println(Config.USAGE);
      System.exit(2);
      return;
    }
    List<Scenario.Outcome> outcomes = new ArrayList<>();
    List<Report.Failure> failures = new ArrayList<>();
    List<String> remeasured = new ArrayList<>();
    for (int round = 1; round <= config.runs(); round++) {
      for (Transport.Kind kind : config.systems()) {
        run(config, kind, round, outcomes, failures, remeasured);
      }
    }
    FanoutCheck.Result fanout = null;
    if (config.fanout() > 0 && config.systems().stream().anyMatch(Transport.Kind::isRacket)) {
      log("running fanout: " + config.fanout() + " SSE subscribers on one relay");
      try {
        fanout = FanoutCheck.run(config);
      } catch (Exception e) {
        failures.add(new Report.Failure(null, "fanout: " + e.getMessage()));
      }
    }
    outcomes.stream().filter(Scenario.Outcome::failedRow).forEach(o -> failures.add(new Report.Failure(null, o.failure())));
    String command = "bench/run.sh " + String.join(" ", args);
    String report = new Report(config, outcomes, failures, remeasured, fanout).markdown(command.trim());
    System.out.println();
    System.out.println(report);
    if (config.write() != null) {
      Report.write(config.write(), report);
      log("wrote " + config.write());
    }
    System.exit(failures.isEmpty() ? 0 : 1);
  }

  /**
   * One server per system and round, shared by its scenarios: a server runs for a while in real
   * life, and a JVM relay started afresh for every scenario would be measured while its JIT
   * compiler still works. The systems take turns within each round.
   */
  private static void run(Config config, Transport.Kind kind, int round, List<Scenario.Outcome> outcomes,
      List<Report.Failure> failures, List<String> remeasured) {
    String where = kind.label + "-r" + round;
    try (Server server = Server.start(kind, config, config.logs().resolve(where), "server")) {
      // The views take turns at going first, round by round: the first runs against a relay whose
      // JIT compilers are still at work (in a quick run, which does not wait for them, visibly).
      List<View> views = new ArrayList<>(config.views());
      if (round % 2 == 0) java.util.Collections.reverse(views);
      for (View view : views) {
        for (int s : config.subscribers()) {
          for (Scenario.Phase phase : new Scenario.Phase[] {Scenario.Phase.THROUGHPUT, Scenario.Phase.LATENCY}) {
            if (phase == Scenario.Phase.LATENCY && !kind.measuresLatency()) continue;
            once(config, new Scenario(kind, view, s, phase, round), server, outcomes, failures, remeasured);
          }
        }
        sustain(config, kind, view, round, server, outcomes, failures, remeasured);
        // One burst per system and view, at the largest S, in the first round: it shows whether
        // a plain loop loses or fails, which one round tells.
        if (round == 1 && config.burst() > 0 && kind.bursts()) {
          once(config, new Scenario(kind, view, config.mostSubscribers(), Scenario.Phase.BURST, round), server,
              outcomes, failures, remeasured);
        }
      }
    } catch (Exception e) {
      failures.add(new Report.Failure(null, where + ": the server did not start: " + e.getMessage()));
      log("  FAILED " + where + ": " + e.getMessage());
    }
  }

  private static void once(Config config, Scenario scenario, Server server, List<Scenario.Outcome> outcomes,
      List<Report.Failure> failures, List<String> remeasured) {
    log("running " + scenario.name());
    try {
      Scenario.Outcome o = measure(config, scenario, server, remeasured);
      outcomes.add(o);
      log(String.format(Locale.ROOT, "  %s: %.0f ev/s per subscriber, lost %d, failed emits %d, p99 %.0f µs%s",
          scenario.name(), o.meanSubscriberRate(), o.lost(), o.failed(),
          o.latency().getValueAtPercentile(99) / 1000.0, o.failedRow() ? " (FAILED)" : ""));
    } catch (Exception e) {
      failures.add(new Report.Failure(scenario, scenario.name() + ": " + e.getMessage()));
      log("  FAILED " + scenario.name() + ": " + e.getMessage());
    }
  }

  /**
   * The NDJSON stream's publisher costs less per event than its subscribers, so flat out it
   * outruns them on a small machine and the relay drops for them (drop-oldest): its throughput row
   * shows loss. Whether the HTTP path carries half of the WebSocket path's rate is then measured
   * directly: paced at half of what racket-ws delivered in this round, at the largest S.
   */
  private static void sustain(Config config, Transport.Kind kind, View view, int round, Server server,
      List<Scenario.Outcome> outcomes, List<Report.Failure> failures, List<String> remeasured) {
    if (kind != Transport.Kind.RACKET_SSE_STREAM) return;
    int s = config.mostSubscribers();
    Scenario.Outcome ws = outcomes.stream().filter(o -> o.scenario().kind() == Transport.Kind.RACKET_WS
        && o.scenario().view() == view && o.scenario().round() == round && o.scenario().subscribers() == s
        && o.scenario().phase() == Scenario.Phase.THROUGHPUT).findFirst().orElse(null);
    if (ws == null) return;
    once(config, Scenario.sustained(kind, view, s, round, (int) Math.round(ws.meanSubscriberRate() / 2)), server,
        outcomes, failures, remeasured);
  }

  /**
   * Runs {@code scenario}, and again while the host stole more than {@link Config#maxStolen()} of
   * the machine's CPU time during its measured phase, {@link #REMEASURE} more times at most: on a
   * VM such a phase measures the host, whichever system ran, and one system's round would be
   * decided by it. Every system and phase gets the same rule. Keeps the try the host took least
   * from; {@code remeasured} gets each try measured again.
   */
  private static Scenario.Outcome measure(Config config, Scenario scenario, Server server, List<String> remeasured)
      throws Exception {
    int most = config.quick() ? 0 : REMEASURE;
    Scenario.Outcome kept = null;
    for (int again = 0; ; again++) {
      Scenario.Outcome o = scenario.run(config, server);
      if (kept == null || o.stolen() < kept.stolen()) kept = o;
      if (!(o.stolen() > config.maxStolen()) || again == most) return kept;
      String what = String.format(Locale.ROOT, "%s (%.0f %% stolen)", scenario.name(), o.stolen() * 100);
      remeasured.add(what);
      log("  " + what + ": measuring it again");
    }
  }

  static void log(String line) {
    System.err.println("[bench] " + line);
  }
}
