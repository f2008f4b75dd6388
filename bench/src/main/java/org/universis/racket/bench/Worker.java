package org.universis.racket.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The main of the child JVMs the launcher spawns. It talks to the launcher by lines: it prints
 * {@code READY} once connected and {@code RESULT <json>} at the end. The publisher, told
 * {@code GO}, sends its warm-up events and prints {@code WARM <count> <compile ms>}; every
 * subscriber, told {@code WARM <count>}, waits for the last of them and prints
 * {@code WARMED <received> <compile ms>}. The launcher then answers the publisher {@code MORE}
 * (a second's worth more of warm-up at the rate, and the same exchange again) or
 * {@code MEASURE}. A subscriber reads {@code END <count>}: the publisher sent that many measured
 * events, those its client refused left out.
 *
 * <p>The warm-up sends flat out and paced (at the latency phase's rate, or at the sustained
 * check's pace), each for the warm-up's length, in the order that ends the way the measurement
 * sends (paced last for latency, flat out last for throughput), then a second more of that at a
 * time until the JIT compilers of every worker and of the server are quiet (the launcher's
 * {@code Scenario} decides, from the compile times the workers report and the server's compiler
 * threads' CPU time): they compile what they need before the
 * measurement rather than during it. On two cores at 10,000 events/s a compiler thread gets
 * little CPU, and code that runs once per message rather than once per event (racket's reading
 * and hand-over: the relay sends many events per message flat out, one at that rate) can still
 * be compiling in the first seconds of the measurement after a fixed 5 s + 5 s warm-up. Warm-up
 * events run the same code as
 * measured ones ({@link Tick#MEASURED_FIRST}), so that nothing new is compiled when the
 * measurement starts.
 *
 * <p>A burst warms up paced only, then sends MAX_COUNT events in one loop through a sender with
 * no window: whatever the client refuses is counted, not retried.
 *
 * <pre>
 * Worker sub SYSTEM VIEW URL
 * Worker pub SYSTEM VIEW URL throughput|latency|burst WARMUP_SECONDS SECONDS RATE MAX_COUNT
 * Worker fanout URL CONNECTIONS
 * </pre>
 */
public final class Worker {

  /** A subscriber stops waiting once nothing arrived for this long after END. */
  static final long QUIET_NANOS = TimeUnit.SECONDS.toNanos(3);
  static final long END_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(60);
  /** The most events the flat-out warm-up sends, so that warm-up numbers keep their 9 digits. */
  static final long FLAT_WARMUP_MAX = Tick.MOST / 2;
  private final BufferedReader in =
      new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));

  public static void main(String[] args) throws Exception {
    // The first call loads and links the JVM's management classes: in the first measured
    // milliseconds it would cost every worker a burst of class loading, compiling and recompiling.
    cpuNanos();
    compileMillis();
    Worker w = new Worker();
    try {
      switch (args[0]) {
        case "sub" -> w.subscribe(Transport.Kind.of(args[1]), View.of(args[2]), args[3]);
        case "pub" -> w.publish(Transport.Kind.of(args[1]), View.of(args[2]), args[3],
            Scenario.Phase.of(args[4]), Integer.parseInt(args[5]), Integer.parseInt(args[6]),
            Integer.parseInt(args[7]), Long.parseLong(args[8]));
        case "fanout" -> new Fanout(args[1], Integer.parseInt(args[2])).run(w);
        default -> throw new IllegalArgumentException("unknown role " + args[0]);
      }
    } catch (Throwable e) {
      e.printStackTrace();
      System.exit(1); // a client's non-daemon threads would keep a failed worker alive
    }
    System.exit(0); // clients may leave non-daemon threads behind
  }

  private void subscribe(Transport.Kind kind, View view, String url) throws Exception {
    Receipts receipts = new Receipts();
    try (AutoCloseable subscription = kind.transport().subscribe(url, view, receipts)) {
      say("READY");
      long cpu = 0;
      String line = expect("WARM ");
      for (; line != null && line.startsWith("WARM "); line = in.readLine()) {
        awaitWarmUp(receipts, Long.parseLong(line.substring(5).trim()));
        say("WARMED " + receipts.warm() + " " + compileMillis());
        cpu = cpuNanos();
      }
      if (line == null || !line.startsWith("END ")) {
        throw new IllegalStateException("expected 'END ' from the launcher, got " + line);
      }
      long expected = Long.parseLong(line.substring(4).trim());
      long end = System.nanoTime() + END_LIMIT_NANOS;
      while (receipts.count() < expected && System.nanoTime() < end
          && System.nanoTime() - receipts.lastActivity() < QUIET_NANOS) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
      }
      cpu = cpuNanos() - cpu;
      System.err.println(receipts.summary());
      say("RESULT " + receipts.toJson().replaceFirst("^\\{", "{\"cpuNanos\":" + cpu + ","));
    }
  }

  // Until the last of the `sent` warm-up events arrived. Not until all arrived: a system may drop
  // some for a subscriber that falls behind in its first, slow seconds, and waiting for silence
  // then left every JVM idle for seconds before the measurement.
  private static void awaitWarmUp(Receipts receipts, long sent) {
    long deadline = System.nanoTime() + END_LIMIT_NANOS;
    while (receipts.lastWarm() < sent - 1 && System.nanoTime() < deadline
        && (receipts.warm() == 0 || System.nanoTime() - receipts.lastActivity() < QUIET_NANOS)) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
  }

  private void publish(Transport.Kind kind, View view, String url, Scenario.Phase phase,
      int warmupSeconds, int seconds, int rate, long maxCount) throws Exception {
    boolean latency = phase == Scenario.Phase.LATENCY;
    boolean burst = phase == Scenario.Phase.BURST;
    try (Transport.Sender sender = kind.transport().sender(url, phase, view)) {
      say("READY");
      expect("GO");
      // The warm-up ends the way the measurement sends, flat out or paced, and goes on that way a
      // second at a time for as long as the launcher says (until every JVM's JIT compilers are
      // quiet): ended paced, a throughput phase would begin with every racket subscriber
      // recompiling its delivery loop for the long turns of a flat-out stream.
      long warm = 0;
      long flat = burst ? FLAT_WARMUP_MAX : 0; // of them flat out: at most FLAT_WARMUP_MAX
      if (latency) {
        flat = warm = flat(sender, Tick.WARMUP_FIRST, FLAT_WARMUP_MAX, deadlineIn(warmupSeconds));
      }
      warm += paced(sender, Tick.WARMUP_FIRST + 2 * warm, (long) warmupSeconds * rate, rate);
      if (!latency && !burst) {
        flat = flat(sender, Tick.WARMUP_FIRST + 2 * warm, FLAT_WARMUP_MAX,
            deadlineIn(warmupSeconds));
        warm += flat;
      }
      while (true) {
        sender.drain();
        say("WARM " + warm + " " + compileMillis());
        String next = in.readLine();
        if ("MEASURE".equals(next)) break;
        if (!"MORE".equals(next)) {
          throw new IllegalStateException("expected MORE or MEASURE from the launcher, got "
              + next);
        }
        long more = latency || burst ? paced(sender, Tick.WARMUP_FIRST + 2 * warm, rate, rate)
            : flat(sender, Tick.WARMUP_FIRST + 2 * warm, FLAT_WARMUP_MAX - flat, deadlineIn(1));
        if (!latency) flat += more;
        warm += more;
      }
      long failedBefore = sender.failed();
      long cpu = cpuNanos();
      long start = System.nanoTime();
      long sent = latency
          ? paced(sender, Tick.MEASURED_FIRST, Math.min(maxCount, (long) seconds * rate), rate)
          : flat(sender, Tick.MEASURED_FIRST, maxCount, burst ? Long.MAX_VALUE
              : start + TimeUnit.SECONDS.toNanos(seconds));
      sender.drain();
      long end = System.nanoTime();
      cpu = cpuNanos() - cpu;
      say("RESULT {\"sent\":" + sent + ",\"failed\":" + (sender.failed() - failedBefore)
          + ",\"startNanos\":" + start + ",\"endNanos\":" + end + ",\"cpuNanos\":" + cpu + "}");
    }
  }

  private static long deadlineIn(int seconds) {
    return System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
  }

  /**
   * Sends {@code count} ticks numbered from {@code first} at {@code rate} per second. It parks
   * rather than spins (the machine is small), then sends every tick that has come due, and
   * flushes the sender once none is.
   *
   * <p>A tick sent on time is stamped just before its send; a tick the loop reaches late, because
   * the send before it had not returned yet or the thread had lost its core, is stamped with the
   * time it was due. Stamped at its send, it would hide a stall from the measurement whenever the
   * client waits for the server: a Jedis {@code PUBLISH} waits for its reply, so while Redis stalls
   * for 2 ms only the event in flight would show it, and the 20 due behind it would be stamped after
   * the stall, while an asynchronous client's ticks show all of it (coordinated omission).
   */
  private static long paced(Transport.Sender sender, long first, long count, int rate) throws Exception {
    long start = System.nanoTime();
    double interval = 1e9 / rate;
    for (long i = 0; i < count; i++) {
      long due = start + (long) (i * interval);
      long wait = due - System.nanoTime();
      if (wait > 0) LockSupport.parkNanos(wait);
      sendDue(sender, first, i, due, wait, start + (long) ((i + 1) * interval));
    }
    sender.flush();
    return count;
  }

  // One tick, and a flush when the next is not due yet. A method of its own, called once per
  // tick, so that the JIT compiles the send path by these calls during the warm-up: inside the
  // loop it would be compiled with the loop, on stack, once the loop's iterations over every phase
  // pass about 100,000, 3 s into the measured phase, and that compile takes a core from every
  // process for a moment. The stamp is picked
  // by arithmetic (`late` is all ones when the tick was due before the loop reached it): a branch
  // that the warm-up rarely took would compile to a trap.
  private static void sendDue(Transport.Sender sender, long first, long i, long due, long wait,
      long nextDue) throws Exception {
    long now = System.nanoTime();
    long late = (wait - 1) >> 63;
    sender.send(Tick.stamp(first, i, now - ((now - due) & late)));
    if (System.nanoTime() < nextDue) sender.flush();
  }

  /**
   * Sends ticks numbered from {@code first} as fast as the client takes them, until {@code max}
   * ticks or the deadline; returns how many.
   */
  private static long flat(Transport.Sender sender, long first, long max, long deadline) throws Exception {
    long n = 0;
    while (n < max && ((n & 255) != 0 || System.nanoTime() < deadline)) {
      sender.send(Tick.stamp(first, n++));
    }
    return n;
  }

  /** Milliseconds this JVM's JIT compilers have worked so far. */
  static long compileMillis() {
    return java.lang.management.ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
  }

  /** CPU time this JVM has used, all threads: what one event costs, whatever the machine's load. */
  static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
        java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  long awaitEnd() throws IOException {
    String line = expect("END ");
    return Long.parseLong(line.substring(4).trim());
  }

  String expect(String prefix) throws IOException {
    String line = in.readLine();
    if (line == null || !line.startsWith(prefix)) {
      throw new IllegalStateException("expected '" + prefix + "' from the launcher, got " + line);
    }
    return line;
  }

  static void say(String line) {
    System.out.println(line);
    System.out.flush();
  }
}
