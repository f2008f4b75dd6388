package org.universis.racket.relay.internal.client;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.universis.racket.ProcessEvent;
import org.universis.racket.ProcessEventEmitter;

/**
 * The subscriber JVM of {@link LosslessIT}: one {@link ProcessEventEmitter} of the url in args[0]
 * (options from system properties), subscribed to {@code burst.event}; its handler spins
 * {@code args[1]} nanoseconds per event, the work of a handler slower than the emitter. It checks
 * that every origin's seqs arrive once each and in order (1, 2, 3...), and obeys stdin:
 * <ul>
 *   <li>{@code ready}: emits {@code burst.ready}, prints {@code READY} once the relay accepted it
 *       (the subscription is then in place at the relay);
 *   <li>{@code count}: prints {@code COUNT <events handled>};
 *   <li>{@code await <n>}: prints {@code HANDLED <n>} once n events are handled;
 *   <li>{@code quit}: prints {@code DONE handled=<n> outOfOrder=<n> resyncs=<n> heapMaxMiB=<n>}
 *       and exits.
 * </ul>
 */
public final class CountingSubscriberChild {

  private static final Map<String, Long> lastSeq = new HashMap<>(); // the handler's alone
  private static volatile long handled;
  private static volatile long outOfOrder;
  private static volatile long resyncs;
  private static volatile long target = -1; // print HANDLED when handled reaches it

  public static void main(String[] args) throws Exception {
    long spinNanos = Long.parseLong(args[1]);
    try (ProcessEventEmitter emitter = new ProcessEventEmitter(args[0])) {
      emitter.subscribe("burst.event", event -> handle(event, spinNanos));
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String line; (line = in.readLine()) != null; ) {
        String[] cmd = line.trim().split(" ");
        switch (cmd[0]) {
          case "ready" -> {
            emitter.emit("burst.ready", 1).get(60, TimeUnit.SECONDS);
            System.out.println("READY");
          }
          case "count" -> System.out.println("COUNT " + handled);
          case "await" -> {
            long n = Long.parseLong(cmd[1]);
            target = n;
            if (handled >= n) System.out.println("HANDLED " + n);
          }
          case "quit" -> {
            System.out.println("DONE handled=" + handled + " outOfOrder=" + outOfOrder
                + " resyncs=" + resyncs + " heapMaxMiB=" + (Runtime.getRuntime().maxMemory() >> 20));
            return;
          }
          default -> System.out.println("UNKNOWN " + line);
        }
      }
    }
  }

  private static void handle(ProcessEvent event, long spinNanos) {
    if (event.isResync()) {
      resyncs++;
      System.out.println("RESYNC " + event.json());
      return;
    }
    long previous = lastSeq.getOrDefault(event.origin().id(), 0L);
    if (event.seq() != previous + 1) {
      outOfOrder++;
      if (outOfOrder <= 5) System.out.println("OUT-OF-ORDER seq " + event.seq() + " after " + previous);
    }
    lastSeq.put(event.origin().id(), event.seq());
    long end = System.nanoTime() + spinNanos;
    while (System.nanoTime() - end < 0) {
      Thread.onSpinWait(); // the handler's work: time on its thread
    }
    long now = ++handled; // one handler thread at a time, in order: volatile for the stdin thread
    if (now == target) System.out.println("HANDLED " + now);
  }
}
