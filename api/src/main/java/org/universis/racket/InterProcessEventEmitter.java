package org.universis.racket;

import java.util.Objects;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The process-wide emitter: register it once (or let the racket agent do it), then emit and
 * subscribe from anywhere.
 *
 * <pre>{@code
 * InterProcessEventEmitter.register();
 * InterProcessEventEmitter.subscribe("cache.>", event -> cache.evict(event.body()));
 * InterProcessEventEmitter.emit("cache.invalidate", Map.of("key", 42));
 * }</pre>
 */
public final class InterProcessEventEmitter {

  private static volatile ProcessEventEmitter global;
  /** The racket agent's global emitter, once seen; {@link #register()} adopts it. */
  private static volatile ProcessEventEmitter agentGlobal;

  private InterProcessEventEmitter() {}

  /**
   * Registers the global emitter with the options the environment gives; does nothing when one is
   * registered already. Under the racket agent this adopts the agent's emitter.
   */
  public static void register() {
    register(RacketOptions.defaults());
  }

  /**
   * Registers the global emitter with {@code options}; does nothing when one is registered already.
   * Under the racket agent this adopts the agent's emitter, configured by the agent's options.
   */
  public static synchronized void register(RacketOptions options) {
    Objects.requireNonNull(options, "options");
    if (global == null) {
      ProcessEventEmitter agent = agentEmitter();
      global = agent != null ? agent : new ProcessEventEmitter(options);
    }
  }

  /** Closes the global emitter, if any; {@link #register()} may then be called again. */
  public static synchronized void unregister() {
    if (global != null) {
      global.close();
      global = null;
    }
  }

  /** Whether a global emitter is registered, by {@link #register()} or by the racket agent. */
  public static boolean isRegistered() {
    return global != null || agentEmitter() != null;
  }

  /** See {@link ProcessEventEmitter#emit(Object)}. */
  public static CompletableFuture<Long> emit(Object event) {
    return emitter().emit(event);
  }

  /** See {@link ProcessEventEmitter#emit(String, Object)}. */
  public static CompletableFuture<Long> emit(String type, Object body) {
    return emitter().emit(type, body);
  }

  /** See {@link ProcessEventEmitter#tryEmit(Object)}. */
  public static CompletableFuture<Long> tryEmit(Object event) {
    return emitter().tryEmit(event);
  }

  /** See {@link ProcessEventEmitter#tryEmit(String, Object)}. */
  public static CompletableFuture<Long> tryEmit(String type, Object body) {
    return emitter().tryEmit(type, body);
  }

  /** See {@link ProcessEventEmitter#clients()}. */
  public static List<ConnectedClient> clients() {
    return emitter().clients();
  }

  /** See {@link ProcessEventEmitter#subscribe(Consumer)}. */
  public static Subscription subscribe(Consumer<? super ProcessEvent> handler) {
    return emitter().subscribe(handler);
  }

  /** See {@link ProcessEventEmitter#subscribe(String, Consumer)}. */
  public static Subscription subscribe(String filter, Consumer<? super ProcessEvent> handler) {
    return emitter().subscribe(filter, handler);
  }

  private static ProcessEventEmitter emitter() {
    ProcessEventEmitter e = global;
    if (e == null) e = agentEmitter();
    if (e == null) {
      throw new IllegalStateException("InterProcessEventEmitter is not registered: call"
          + " InterProcessEventEmitter.register() at start-up, or start the JVM with"
          + " -javaagent:racket.jar");
    }
    return e;
  }

  /**
   * The racket agent's process-wide emitter, or {@code null} when the JVM runs without the agent.
   * Frameworks that make emitters of their own use it, so that a process keeps one connection.
   * Its {@code close()} does nothing: the agent owns it.
   */
  public static ProcessEventEmitter agentEmitter() {
    ProcessEventEmitter e = agentGlobal;
    if (e == null) {
      var connection = AgentBridge.global();
      if (connection != null) agentGlobal = e = new ProcessEventEmitter(connection);
    }
    return e;
  }
}
