package org.universis.racket.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * One measurement against a running server: S subscriber JVMs, one publisher JVM, in one view,
 * for throughput, latency or a burst. The JVMs it starts are stopped before {@link #run} returns.
 */
record Scenario(Transport.Kind kind, View view, int subscribers, Phase phase, int round, int pace) {

  /** What the publisher does in the measured phase. */
  enum Phase {
    /** As fast as the client allows, a bounded number in flight. */
    THROUGHPUT("throughput"),
    /** Paced at the configured rate, or at a sustained check's pace. */
    LATENCY("latency"),
    /** {@link Config#burst()} events in a tight loop with no window, as a plain user's loop. */
    BURST("burst");

    final String label;

    Phase(String label) {
      this.label = label;
    }

    static Phase of(String label) {
      for (Phase p : values()) {
        if (p.label.equals(label)) return p;
      }
      throw new IllegalArgumentException("unknown phase " + label);
    }
  }

  /**
   * The most compile time a worker, or the server's JIT compiler threads, may add in a second's
   * warm-up and still count as warm.
   */
  static final long QUIET_COMPILE_MILLIS = 20;
  /** The most seconds' worth of warm-up added waiting for the compilers to be quiet. */
  static final int MAX_MORE_SECONDS = 20;
  /** The longest a burst may take, answers included. */
  static final long BURST_SECONDS = 600;

  /** A scenario at the configured rate (latency), flat out (throughput) or a burst. */
  Scenario(Transport.Kind kind, View view, int subscribers, Phase phase, int round) {
    this(kind, view, subscribers, phase, round, 0);
  }

  /**
   * Sends paced at {@code pace} events/s for the latency phase's length: whether the system
   * carries that rate whole (no loss) with its publisher paced the way the latency phase paces it.
   */
  static Scenario sustained(Transport.Kind kind, View view, int subscribers, int round, int pace) {
    return new Scenario(kind, view, subscribers, Phase.LATENCY, round, pace);
  }

  boolean latency() {
    return phase == Phase.LATENCY;
  }

  boolean isSustained() {
    return pace > 0;
  }

  private int rate(Config config) {
    return pace > 0 ? pace : config.rate();
  }

  /**
   * What one scenario measured. Rates in events per second, sizes in KiB; {@code failed}: sends
   * the publisher's client refused or failed (a burst's; other phases throw); {@code lost}: events
   * the client took that a subscriber never received, summed over subscribers, {@code mostLost}
   * the most one subscriber missed; {@code stolen}: the share of the machine's CPU time the host
   * took while it was measured (NaN when unknown).
   */
  record Outcome(Scenario scenario, long sent, long failed, double publisherRate, double meanSubscriberRate,
      double minSubscriberRate, long lost, long mostLost, long disordered, long duplicates, Histogram latency,
      long serverPeakKiB, double serverCpuMicros, double publisherCpuMicros, double subscriberCpuMicros,
      double stolen) {

    double lossRatio() {
      return sent == 0 ? 0 : (double) lost / (sent * scenario.subscribers);
    }

    /** A row that lost events or had failed emits: it failed, whatever its rate. */
    boolean failedRow() {
      return lost > 0 || failed > 0;
    }

    /** Why the row failed, for the list under the report. */
    String failure() {
      return scenario.name() + ": lost " + lost + " events (at most " + mostLost + " by one subscriber), "
          + failed + " failed emits, of " + sent + " sent";
    }
  }

  /** CPU microseconds per event. */
  private static double perEvent(long cpuNanos, long events) {
    return events == 0 ? Double.NaN : cpuNanos / 1e3 / events;
  }

  String name() {
    return kind.label + "-" + view.label + "-s" + subscribers
        + (isSustained() ? "-sustained-" + pace : "-" + phase.label) + "-r" + round;
  }

  /**
   * Goes on with the warm-up, a second's worth of events at a time, until neither a worker's JIT
   * compilers nor the server's worked more than {@link #QUIET_COMPILE_MILLIS} during the last of
   * them, or {@link #MAX_MORE_SECONDS} times at most (never in a quick run); returns how many
   * were added. The publisher then waits for {@code MEASURE}. Worker describes the exchange.
   * The workers report their JVM's compile time; the server's is its compiler threads' CPU
   * time, read from outside: on some machines the relay still compiled for a tenth of a second
   * in the first seconds of a measured phase that the workers' compilers had let begin.
   */
  private int warmUp(Child pub, List<Child> subs, Server server, Config config)
      throws InterruptedException {
    long[] before = null;
    int most = config.quick() || phase == Phase.BURST ? 0 : MAX_MORE_SECONDS;
    for (int more = 0; ; more++) {
      String[] warm = pub.await("WARM ", 2L * config.warmupSeconds() + 60L, TimeUnit.SECONDS)
          .split(" ");
      long[] compile = new long[subs.size() + 2];
      compile[subs.size()] = Long.parseLong(warm[1]);
      compile[subs.size() + 1] = server.compilerCpuMillis();
      for (Child sub : subs) sub.send("WARM " + warm[0]);
      for (int i = 0; i < subs.size(); i++) {
        String warmed = subs.get(i).await("WARMED", 90, TimeUnit.SECONDS);
        compile[i] = Long.parseLong(warmed.split(" ")[1]);
      }
      if (more == most || (before != null && quiet(before, compile))) return more;
      before = compile;
      pub.send("MORE");
    }
  }

  private static boolean quiet(long[] before, long[] after) {
    for (int i = 0; i < after.length; i++) {
      if (after[i] - before[i] > QUIET_COMPILE_MILLIS) return false;
    }
    return true;
  }

  /** Runs against {@code server}, which the caller started for this system and round. */
  Outcome run(Config config, Server server) throws Exception {
    Path logs = config.logs().resolve(name());
    List<Child> children = new ArrayList<>();
    try {
      for (int i = 0; i < subscribers; i++) {
        children.add(Child.worker("sub" + i, config.workerJvmArgs(),
            List.of("sub", kind.label, view.label, server.subscribeUrl), logs));
      }
      for (Child sub : children) sub.await("READY", 60, TimeUnit.SECONDS);
      boolean latency = latency();
      int seconds = latency ? config.latencySeconds() : config.throughputSeconds();
      long max = phase == Phase.BURST ? config.burst() : config.throughputMax();
      Child pub = Child.worker("pub", config.workerJvmArgs(), List.of("pub", kind.label, view.label, server.url,
          phase.label, Integer.toString(config.warmupSeconds()), Integer.toString(seconds),
          Integer.toString(rate(config)), Long.toString(max)), logs);
      children.add(pub);
      pub.await("READY", 60, TimeUnit.SECONDS);
      pub.send("GO");
      int more = warmUp(pub, children.subList(0, subscribers), server, config);
      int w = config.warmupSeconds();
      Bench.log("  " + name() + ": warm-up " + (latency
          ? w + " s flat out, then " + (w + more) + " s' worth at the rate ("
          : phase == Phase.BURST ? (w + more) + " s' worth at the rate ("
          : w + " s' worth at the rate, then " + (w + more) + " s flat out (")
          + more + " added until the JIT compilers were quiet)");
      long serverCpu = server.cpuNanos();
      long serverCompile = server.compilerCpuMillis();
      long[] machine = Machine.cpuTicks();
      pub.send("MEASURE");
      long limit = phase == Phase.BURST ? BURST_SECONDS : seconds + 120L;
      JsonNode sent = Tick.decodeTree(pub.await("RESULT", limit, TimeUnit.SECONDS));
      long[] machineAfter = Machine.cpuTicks();
      Bench.log("  " + name() + ": the machine's CPU while measured: " + Machine.cpuShares(machine, machineAfter));
      if (kind.isRacket()) {
        Bench.log("  " + name() + ": the relay's JIT compilers used "
            + (server.compilerCpuMillis() - serverCompile) + " ms of CPU while measured");
      }
      long count = sent.get("sent").asLong();
      long failed = sent.get("failed").asLong();
      long taken = count - failed; // what the subscribers should all receive
      long start = sent.get("startNanos").asLong();
      double elapsed = (sent.get("endNanos").asLong() - start) / 1e9;
      Histogram merged = new Histogram(Receipts.HIGHEST_NANOS, 3);
      double sum = 0;
      double min = Double.MAX_VALUE;
      long lost = 0;
      long mostLost = 0;
      long disordered = 0;
      long duplicates = 0;
      long subscriberCpu = 0;
      long received = 0;
      for (Child sub : children.subList(0, subscribers)) sub.send("END " + taken);
      for (Child sub : children.subList(0, subscribers)) {
        JsonNode r = Tick.decodeTree(sub.await("RESULT", 90, TimeUnit.SECONDS));
        long got = r.get("count").asLong();
        double rate = got == 0 ? 0 : got / ((r.get("lastNanos").asLong() - start) / 1e9);
        sum += rate;
        min = Math.min(min, rate);
        lost += Math.max(0, taken - got);
        mostLost = Math.max(mostLost, taken - got);
        disordered += r.get("disordered").asLong();
        duplicates += r.get("duplicates").asLong();
        subscriberCpu += r.get("cpuNanos").asLong();
        received += got;
        merged.add(Receipts.histogram(r.get("histogram").asText()));
      }
      return new Outcome(this, count, failed, count / elapsed, sum / subscribers, min, lost, mostLost, disordered, duplicates,
          merged, server.rssKiB()[1], perEvent(server.cpuNanos() - serverCpu, count),
          perEvent(sent.get("cpuNanos").asLong(), count), perEvent(subscriberCpu, received),
          Machine.stolen(machine, machineAfter));
    } finally {
      children.forEach(Child::close);
    }
  }
}
