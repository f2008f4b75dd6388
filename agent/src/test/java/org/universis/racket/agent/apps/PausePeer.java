package org.universis.racket.agent.apps;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.universis.racket.InterProcessEventEmitter;
import org.universis.racket.OnProcessEvent;
import org.universis.racket.ProcessEvent;

/**
 * One of the JVMs of the pause test, started with the agent in auto mode: it listens to {@code
 * ps.event} three ways ({@code subscribe()}, a static and an instance {@code @OnProcessEvent}),
 * and counts per way and per emitter what it got, twice or out of order. Args: its name, the
 * milliseconds between two emits, the names of all peers (comma-separated), the seconds it waits
 * at most to get everything. On {@code go <end>} (stdin; {@code end} in epoch milliseconds) it
 * emits until then without looking at the futures, announces how many in a {@code ps.done}, waits
 * until every other peer's announced events came all three ways (or the bound), prints a {@code
 * REPORT} line per way, and returns from {@code main} at once.
 */
public final class PausePeer {

  private static final String[] WAYS = {"subscribe", "static", "instance"};
  private static final Map<String, Map<String, BitSet>> seen = new HashMap<>(); // way -> from -> n
  private static final Map<String, Integer> duplicates = new HashMap<>();
  private static final Map<String, Integer> outOfOrder = new HashMap<>();
  private static final Map<String, Integer> resyncs = new HashMap<>();
  private static final Map<String, Integer> last = new HashMap<>(); // way/from -> last n
  private static final Map<String, Integer> announced = new HashMap<>(); // from -> events emitted

  @OnProcessEvent("ps.event")
  private void onInstance(ProcessEvent event) {
    count("instance", event);
  }

  @OnProcessEvent("ps.event")
  static void onStatic(ProcessEvent event) {
    count("static", event);
  }

  public static void main(String[] args) throws Exception {
    String name = args[0];
    long pauseNanos = TimeUnit.MILLISECONDS.toNanos(Long.parseLong(args[1]));
    List<String> others = new ArrayList<>(List.of(args[2].split(",")));
    others.remove(name);
    long waitNanos = TimeUnit.SECONDS.toNanos(Long.parseLong(args[3]));
    PausePeer instance = new PausePeer(); // its @OnProcessEvent method listens from here on
    InterProcessEventEmitter.subscribe("ps.event", event -> count("subscribe", event));
    InterProcessEventEmitter.subscribe("ps.done", event -> {
      if (event.isResync()) return; // counted by the ps.event subscription
      Map<?, ?> body = (Map<?, ?>) event.body();
      synchronized (seen) {
        announced.put((String) body.get("from"), ((Number) body.get("events")).intValue());
      }
    });
    InterProcessEventEmitter.emit("ps.hello", Map.of("from", name)).get(60, TimeUnit.SECONDS);
    System.out.println("READY " + name);
    String go = new BufferedReader(new InputStreamReader(System.in)).readLine();
    long end = Long.parseLong(go.split(" ")[1]);
    System.out.println("EMITTING " + name);
    int events = 0;
    while (System.currentTimeMillis() < end) {
      InterProcessEventEmitter.emit("ps.event", Map.of("from", name, "n", ++events));
      LockSupport.parkNanos(pauseNanos); // pacing the emitter, not synchronising anything
    }
    InterProcessEventEmitter.emit("ps.done", Map.of("from", name, "events", events));
    System.out.println("EMITTED " + name + " " + events);
    long deadline = System.nanoTime() + waitNanos;
    while (!complete(others) && System.nanoTime() - deadline < 0) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // polling the counts
    }
    report(name, others);
    Reference.reachabilityFence(instance); // its handler must listen to the end
    System.out.println("EXITING " + name);
  }

  private static void count(String way, ProcessEvent event) {
    if (event.isResync()) { // events dropped on the way: a loss, reported as such
      synchronized (seen) {
        resyncs.merge(way, 1, Integer::sum);
      }
      return;
    }
    Map<?, ?> body = (Map<?, ?>) event.body();
    String from = (String) body.get("from");
    int n = ((Number) body.get("n")).intValue();
    synchronized (seen) {
      if (!seen.computeIfAbsent(way, w -> new TreeMap<>()).computeIfAbsent(from, f -> new BitSet()).get(n)) {
        seen.get(way).get(from).set(n);
      } else {
        duplicates.merge(way, 1, Integer::sum);
      }
      Integer before = last.put(way + "/" + from, n);
      if (before != null && n <= before) outOfOrder.merge(way, 1, Integer::sum);
    }
  }

  // Whether every other peer announced its count, and that many came from it all three ways.
  private static boolean complete(List<String> others) {
    synchronized (seen) {
      for (String from : others) {
        Integer events = announced.get(from);
        if (events == null) return false;
        for (String way : WAYS) {
          BitSet got = seen.getOrDefault(way, Map.of()).get(from);
          if (got == null || got.cardinality() < events) return false;
        }
      }
      return true;
    }
  }

  /**
   * {@code REPORT <name> <way> duplicates=<d> outOfOrder=<o> resyncs=<r> <from>=<count>/<announced>...}, per
   * way; {@code ?} for a count never announced.
   */
  private static void report(String name, List<String> others) {
    synchronized (seen) {
      for (String way : WAYS) {
        StringBuilder line = new StringBuilder("REPORT ").append(name).append(' ').append(way)
            .append(" duplicates=").append(duplicates.getOrDefault(way, 0))
            .append(" outOfOrder=").append(outOfOrder.getOrDefault(way, 0))
            .append(" resyncs=").append(resyncs.getOrDefault(way, 0));
        for (String from : others) {
          BitSet got = seen.getOrDefault(way, Map.of()).get(from);
          line.append(' ').append(from).append('=').append(got == null ? 0 : got.cardinality())
              .append('/').append(announced.getOrDefault(from, null) == null ? "?" : announced.get(from));
        }
        System.out.println(line);
      }
    }
  }
}
