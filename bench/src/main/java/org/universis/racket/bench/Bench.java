package org.universis.racket.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * The launcher: runs every scenario (separate publisher and subscriber JVMs; one server per
 * system and round), the systems taking turns within each round so that a noisy moment hurts
 * them alike, then prints one markdown report and writes it into docs/PERFORMANCE.md when asked.
 */
public final class Bench {

  private Bench() {}

  public static void main(String[] args) throws Exception {
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
    List<String> failures = new ArrayList<>();
    for (int round = 1; round <= config.runs(); round++) {
      for (Transport.Kind kind : config.systems()) {
        run(config, kind, round, outcomes, failures);
      }
    }
    FanoutCheck.Result fanout = null;
    if (config.fanout() > 0 && config.systems().stream().anyMatch(Transport.Kind::isRacket)) {
      log("running fanout: " + config.fanout() + " SSE subscribers on one relay");
      try {
        fanout = FanoutCheck.run(config);
      } catch (Exception e) {
        failures.add("fanout: " + e.getMessage());
      }
    }
    String command = "bench/run.sh " + String.join(" ", args);
    String report = new Report(config, outcomes, failures, fanout).markdown(command.trim());
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
      List<String> failures) {
    String where = kind.label + "-r" + round;
    try (Server server = Server.start(kind, config, config.logs().resolve(where), "server")) {
      for (int s : config.subscribers()) {
        for (boolean latency : new boolean[] {false, true}) {
          if (latency && !kind.measuresLatency()) continue;
          Scenario scenario = new Scenario(kind, s, latency, round);
          log("running " + scenario.name());
          try {
            Scenario.Outcome o = scenario.run(config, server);
            outcomes.add(o);
            log(String.format("  %s: %.0f ev/s per subscriber, lost %d, p99 %.0f µs", scenario.name(),
                o.meanSubscriberRate(), o.lost(), o.latency().getValueAtPercentile(99) / 1000.0));
          } catch (Exception e) {
            failures.add(scenario.name() + ": " + e.getMessage());
            log("  FAILED " + scenario.name() + ": " + e.getMessage());
          }
        }
      }
      sustain(config, kind, round, server, outcomes, failures);
    } catch (Exception e) {
      failures.add(where + ": the server did not start: " + e.getMessage());
      log("  FAILED " + where + ": " + e.getMessage());
    }
  }

  /**
   * The NDJSON stream's publisher costs less per event than its subscribers, so flat out it
   * outruns them on a small machine and the relay drops for them (drop-oldest): its throughput row
   * shows loss. Whether the HTTP path carries half of the WebSocket path's rate is then measured
   * directly: paced at half of what racket-ws delivered in this round, at the largest S.
   */
  private static void sustain(Config config, Transport.Kind kind, int round, Server server,
      List<Scenario.Outcome> outcomes, List<String> failures) {
    if (kind != Transport.Kind.RACKET_SSE_STREAM) return;
    int s = config.subscribers().stream().mapToInt(Integer::intValue).max().orElse(1);
    Scenario.Outcome ws = outcomes.stream().filter(o -> o.scenario().kind() == Transport.Kind.RACKET_WS
        && o.scenario().round() == round && o.scenario().subscribers() == s && !o.scenario().latency())
        .findFirst().orElse(null);
    if (ws == null) return;
    Scenario scenario = Scenario.sustained(kind, s, round, (int) Math.round(ws.meanSubscriberRate() / 2));
    log("running " + scenario.name());
    try {
      Scenario.Outcome o = scenario.run(config, server);
      outcomes.add(o);
      log(String.format("  %s: sent %.0f ev/s, lost %d", scenario.name(), o.publisherRate(), o.lost()));
    } catch (Exception e) {
      failures.add(scenario.name() + ": " + e.getMessage());
      log("  FAILED " + scenario.name() + ": " + e.getMessage());
    }
  }

  static void log(String line) {
    System.err.println("[bench] " + line);
  }
}
