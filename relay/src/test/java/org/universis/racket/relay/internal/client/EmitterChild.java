package org.universis.racket.relay.internal.client;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.universis.racket.ProcessEvent;
import org.universis.racket.ProcessEventEmitter;

/**
 * The child JVM of the cross-process tests: one {@link ProcessEventEmitter} of the url in args[0]
 * (its options, such as {@code racket.name}, come from system properties), called args[1], with one subscription per further argument (a filter). It prints
 * {@code EVENT <filter> <id> <type> <origin name> <seq> <body>} for every event a subscription
 * receives, and obeys commands on stdin:
 * <ul>
 *   <li>{@code ready}: emits {@code child.ready} and prints {@code READY} once the relay accepted it
 *       (so the subscriptions are in place at the relay);
 *   <li>{@code emit <type> <from> <to>}: emits bodies {@code {"from":name,"n":i}}, prints
 *       {@code EMITTED <to>} once the relay accepted them all, in order;
 *   <li>{@code quit}: closes the emitter and exits.
 * </ul>
 */
public final class EmitterChild {

  public static void main(String[] args) throws Exception {
    try (ProcessEventEmitter emitter = new ProcessEventEmitter(args[0])) {
      for (int i = 2; i < args.length; i++) {
        String filter = args[i];
        emitter.subscribe(filter, event -> print(filter, event));
      }
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String line; (line = in.readLine()) != null; ) {
        String[] cmd = line.trim().split(" ");
        switch (cmd[0]) {
          case "ready" -> {
            emitter.emit("child.ready", Map.of("from", args[1])).get(60, TimeUnit.SECONDS);
            System.out.println("READY");
          }
          case "emit" -> emit(emitter, args[1], cmd[1], Integer.parseInt(cmd[2]), Integer.parseInt(cmd[3]));
          case "quit" -> {
            return;
          }
          default -> System.out.println("UNKNOWN " + line);
        }
      }
    }
    System.out.println("BYE");
  }

  private static void emit(ProcessEventEmitter emitter, String name, String type, int from, int to) {
    List<CompletableFuture<Long>> acks = new ArrayList<>();
    for (int n = from; n <= to; n++) acks.add(emitter.emit(type, Map.of("from", name, "n", n)));
    // Report from a racket thread once all are accepted, so stdin stays free for more commands.
    CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).whenComplete((v, e) ->
        System.out.println(e == null ? "EMITTED " + to : "EMIT-FAILED " + e));
  }

  private static void print(String filter, ProcessEvent e) {
    System.out.println("EVENT " + filter + " " + e.id() + " " + e.type() + " " + e.origin().name()
        + " " + e.seq() + " " + (e.isResync() ? e.json() : e.body()));
  }
}
