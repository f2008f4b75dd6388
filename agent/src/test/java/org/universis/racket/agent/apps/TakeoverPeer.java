package org.universis.racket.agent.apps;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.universis.racket.InterProcessEventEmitter;

/**
 * One of the JVMs of the takeover test, started with the agent in auto mode. It counts every
 * {@code tk.event} its handler receives, by emitter and number; on {@code go} it emits its own
 * numbered events, paced so that the test can kill the relay's host in the middle; on
 * {@code report} it prints what it received, duplicates included.
 */
public final class TakeoverPeer {

  private static final Map<String, Set<Integer>> received = new TreeMap<>();
  private static int duplicates;

  public static void main(String[] args) throws Exception {
    String name = args[0];
    int count = Integer.parseInt(args[1]);
    long pauseNanos = TimeUnit.MILLISECONDS.toNanos(Long.parseLong(args[2]));
    InterProcessEventEmitter.subscribe("tk.event", event -> {
      Map<?, ?> body = (Map<?, ?>) event.body();
      synchronized (received) {
        boolean fresh = received.computeIfAbsent((String) body.get("from"), k -> new TreeSet<>())
            .add(((Number) body.get("n")).intValue());
        if (!fresh) duplicates++;
      }
    });
    InterProcessEventEmitter.emit("tk.hello", Map.of("from", name)).get(30, TimeUnit.SECONDS);
    System.out.println("READY " + name);
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
    for (String line; (line = in.readLine()) != null; ) {
      if (line.equals("go")) {
        // emits on their own thread, so that reports are answered meanwhile
        new Thread(() -> emit(name, count, pauseNanos), "emitter").start();
      } else if (line.equals("report")) {
        report(name);
      }
    }
  }

  private static void emit(String name, int count, long pauseNanos) {
    List<CompletableFuture<Long>> acks = new ArrayList<>();
    for (int n = 1; n <= count; n++) {
      acks.add(InterProcessEventEmitter.emit("tk.event", Map.of("from", name, "n", n)));
      LockSupport.parkNanos(pauseNanos); // pacing the emitter, not synchronising anything
    }
    try {
      CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
    } catch (Exception someFailedOrPending) {
      // counted below
    }
    long failed = acks.stream().filter(CompletableFuture::isCompletedExceptionally).count();
    long pending = acks.stream().filter(a -> !a.isDone()).count();
    System.out.println("EMITTED " + name + " " + count + " failed " + failed + " pending " + pending);
  }

  private static void report(String name) {
    StringBuilder sb = new StringBuilder("REPORT ").append(name).append(" duplicates ");
    synchronized (received) {
      sb.append(duplicates);
      received.forEach((from, numbers) -> sb.append(' ').append(from).append('=').append(numbers.size()));
    }
    System.out.println(sb);
  }
}
