package org.universis.racket.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What one benchmark run does, from the command line. Every loop it drives is bounded by these
 * counts and seconds.
 *
 * @param quick {@code --quick}: one short round, whose warm-ups do not wait for quiet JIT compilers
 *     and whose phases are never measured again
 * @param systems the systems compared, in table order
 * @param views the views every scenario runs in ({@link View}), side by side in the report
 * @param subscribers the subscriber counts (S)
 * @param runs scenarios are repeated this often, interleaved across systems; the table shows medians
 * @param warmupSeconds each publisher first sends this long flat out, then this long at {@code rate},
 *     unmeasured
 * @param throughputSeconds the throughput phase stops after this long...
 * @param throughputMax ...or after this many events
 * @param latencySeconds the latency phase lasts this long at {@code rate}
 * @param rate events per second in the latency phase and the warm-up
 * @param burst events each system's burst phase sends in one loop with no window; 0 skips it
 * @param fanout SSE connections held on one relay for the many-subscribers check; 0 skips it
 * @param maxStolen a phase during which the host stole a larger share of the machine's CPU time
 *     is measured again (at most {@link Bench#REMEASURE} more times; never in a quick run)
 * @param relayJar racket's relay, started as {@code java -jar relayJar --port 0}
 * @param relayJvmArgs JVM options for the relay (none by default: as users start it)
 * @param workerJvmArgs JVM options for publishers and subscribers, the same for every system
 * @param write where to write the report (between its markers), or null
 * @param logs where the processes' output goes
 */
record Config(boolean quick, List<Transport.Kind> systems, List<View> views, List<Integer> subscribers, int runs,
    int warmupSeconds, int throughputSeconds, long throughputMax, int latencySeconds, int rate, long burst, int fanout,
    double maxStolen, Path relayJar, List<String> relayJvmArgs, List<String> workerJvmArgs, Path write, Path logs) {

  static final String USAGE = """
      usage: java -jar bench/target/racket-bench.jar [--quick] [--runs N] [--systems a,b]
                 [--views opaque,objects] [--subscribers 1,4] [--rate N] [--seconds N]
                 [--throughput-seconds N] [--warmup-seconds N] [--burst N] [--fanout N]
                 [--max-stolen PERCENT] [--write docs/PERFORMANCE.md]
                 [--relay-jar relay/target/racket-relay.jar] [--relay-jvm-args '...'] [--worker-jvm-args '...']
        systems: racket-ws, racket-backplane, racket-sse, racket-sse-batch, racket-sse-raw, racket-sse-stream,
          redis-lettuce, redis-jedis, nats (default: all)
        views: opaque (prebuilt payloads, read unparsed), objects (Jackson both ways); default both
        --burst: events of each system's burst phase (default 1,000,000; 0 skips it)""";

  static Config parse(String... args) {
    List<Transport.Kind> systems = List.of(Transport.Kind.values());
    List<View> views = List.of(View.values());
    long burst = 1_000_000;
    List<Integer> subscribers = List.of(1, 4);
    int runs = 2;
    // Each JVM is a few seconds old when its warm-up starts, and on two cores its compilers are
    // still at work in the first seconds of a latency phase after a 3 s warm-up.
    int warmup = 5;
    // Long enough for the JIT compilers of every JVM taking part to be mostly done: in 5 s phases
    // they take a large share of the two cores.
    int throughputSeconds = 15;
    int latencySeconds = 10;
    int rate = 10_000;
    int fanout = 1_000;
    // On the VM measured the host takes 0 to 6 % in most phases and 11 to 21 % in some, where
    // racket's and Redis's p99 are two to four times as high: such a phase is measured again.
    int maxStolenPercent = 10;
    Path relayJar = Path.of("relay/target/racket-relay.jar");
    List<String> relayJvm = List.of();
    // A worker out of memory (a client that queues without bound, in a burst) ends at once rather
    // than linger on the client's non-daemon threads until the launcher's timeout.
    List<String> workerJvm = List.of("-Xms256m", "-Xmx512m", "-XX:+ExitOnOutOfMemoryError");
    Path write = null;
    boolean quick = false;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--quick" -> {
          quick = true;
          runs = 1;
          warmup = 1;
          throughputSeconds = 2;
          latencySeconds = 3;
          fanout = Math.min(fanout, 1_000);
        }
        case "--runs" -> runs = positive(a, args[++i]);
        case "--systems" -> systems = Arrays.stream(args[++i].split(",")).map(Transport.Kind::of).toList();
        case "--views" -> views = Arrays.stream(args[++i].split(",")).map(View::of).toList();
        case "--burst" -> burst = Long.parseLong(args[++i].trim());
        case "--subscribers" -> subscribers = Arrays.stream(args[++i].split(",")).map(s -> positive(a, s)).toList();
        case "--rate" -> rate = positive(a, args[++i]);
        case "--warmup-seconds" -> warmup = positive(a, args[++i]);
        case "--seconds" -> latencySeconds = throughputSeconds = positive(a, args[++i]);
        case "--throughput-seconds" -> throughputSeconds = positive(a, args[++i]);
        case "--fanout" -> fanout = Integer.parseInt(args[++i]);
        case "--max-stolen" -> maxStolenPercent = positive(a, args[++i]);
        case "--write" -> write = Path.of(args[++i]);
        case "--relay-jar" -> relayJar = Path.of(args[++i]);
        case "--relay-jvm-args" -> relayJvm = split(args[++i]);
        case "--worker-jvm-args" -> workerJvm = split(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + a);
      }
    }
    long throughputMax = 2_000_000L * throughputSeconds;
    // Every event's number keeps its 9 digits (Tick.MEASURED_FIRST).
    if (Math.max(throughputMax, (long) latencySeconds * rate) > Tick.MOST) {
      throw new IllegalArgumentException("a phase of more than " + Tick.MOST + " events would"
          + " outgrow the events' numbers: lower --seconds, --throughput-seconds or --rate");
    }
    // The warm-up sends at most Worker.FLAT_WARMUP_MAX flat out, then paced.
    if (Worker.FLAT_WARMUP_MAX + (long) (warmup + Scenario.MAX_MORE_SECONDS) * rate > Tick.MOST) {
      throw new IllegalArgumentException("a warm-up of " + warmup + " s at " + rate
          + " events/s is too long for the warm-up's numbers: lower --warmup-seconds or --rate");
    }
    if (burst < 0 || burst > Tick.MOST) throw new IllegalArgumentException("--burst is 0 to " + Tick.MOST);
    if (maxStolenPercent > 100) throw new IllegalArgumentException("--max-stolen is a percentage: 1 to 100");
    return new Config(quick, systems, views, subscribers, runs, warmup, throughputSeconds, throughputMax, latencySeconds,
        rate, burst, fanout, maxStolenPercent / 100.0, relayJar, relayJvm, workerJvm, write, Path.of("bench/target/logs"));
  }

  /** This configuration with {@code args} as the relay's JVM options. */
  Config withRelayJvmArgs(List<String> args) {
    return new Config(quick, systems, views, subscribers, runs, warmupSeconds, throughputSeconds, throughputMax,
        latencySeconds, rate, burst, fanout, maxStolen, relayJar, args, workerJvmArgs, write, logs);
  }

  /** The largest S: the one the targets are measured at. */
  int mostSubscribers() {
    return subscribers.stream().mapToInt(Integer::intValue).max().orElse(1);
  }

  private static List<String> split(String s) {
    List<String> out = new ArrayList<>();
    for (String p : s.trim().split("\\s+")) if (!p.isEmpty()) out.add(p);
    return out;
  }

  private static int positive(String option, String value) {
    int v = Integer.parseInt(value.trim());
    if (v < 1) throw new IllegalArgumentException(option + " must be at least 1, not " + v);
    return v;
  }
}
