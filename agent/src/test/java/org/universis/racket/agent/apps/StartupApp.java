package org.universis.racket.agent.apps;

import java.lang.ref.WeakReference;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.universis.racket.InterProcessEventEmitter;
import org.universis.racket.OnProcessEvent;
import org.universis.racket.RacketOptions;

/**
 * Emits once and returns from main: the JVM must then exit, whatever the agent started (its threads
 * are daemons). Also checks that the agent holds {@code @OnProcessEvent} instances weakly.
 */
public final class StartupApp {

  static final class Listener {
    @OnProcessEvent("startup.>")
    void on(Map<String, Object> body) {
      System.out.println("heard " + body);
    }
  }

  public static void main(String[] args) {
    System.out.println("main registered " + InterProcessEventEmitter.isRegistered());
    if (List.of(args).contains("register")) {
      // Under the agent, register() adopts the agent's emitter: these options go unused.
      InterProcessEventEmitter.register(RacketOptions.builder().url("http://127.0.0.1:1")
          .mode(RacketOptions.Mode.CLIENT).build());
    }
    CompletableFuture<Long> ack = InterProcessEventEmitter.emit("startup.hello", Map.of("n", 1));
    System.out.println("emitted");
    WeakReference<Listener> listener = new WeakReference<>(new Listener());
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (listener.get() != null && System.nanoTime() < deadline) {
      System.gc();
    }
    System.out.println("listener collected " + (listener.get() == null));
    if (List.of(args).contains("await")) System.out.println("ack " + (ack.join() > 0));
    System.out.println("main returns");
  }
}
