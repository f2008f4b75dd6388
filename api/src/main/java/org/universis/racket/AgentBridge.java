package org.universis.racket;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.universis.racket.spi.RacketConnection;
import org.universis.racket.spi.RacketProvider;

/**
 * The racket agent, seen from this copy of the api. The agent puts one class,
 * {@code org.universis.racket.bridge.RacketBridge}, on the bootstrap class path; whatever class loader
 * loaded this api (the class path, a Spring Boot fat jar, a web app) finds it there and talks to it
 * in JDK types only. Connections cross as maps of functions, events as maps of values.
 */
final class AgentBridge {

  private static final String BRIDGE = "org.universis.racket.bridge.RacketBridge";

  private AgentBridge() {}

  /** The bridge's methods. */
  private record Handles(MethodHandle installed, MethodHandle global, MethodHandle connect) {}

  private static volatile Handles handles;

  /**
   * The bridge's methods, looked up once the bridge exists; null before, so an agent attached later
   * is still found.
   */
  private static Handles handles() {
    Handles h = handles;
    if (h == null) {
      try {
        Class<?> bridge = Class.forName(BRIDGE, false, null);
        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        handles = h = new Handles(
            lookup.findStatic(bridge, "installed", MethodType.methodType(boolean.class)),
            lookup.findStatic(bridge, "global", MethodType.methodType(Map.class)),
            lookup.findStatic(bridge, "connect", MethodType.methodType(Map.class, Map.class)));
      } catch (ReflectiveOperationException noAgent) {
        return null;
      }
    }
    return h;
  }

  /** Whether an agent has installed itself in this JVM. */
  static boolean present() {
    Handles h = handles();
    try {
      return h != null && (boolean) h.installed().invoke();
    } catch (Throwable t) {
      return false;
    }
  }

  /** A provider over the agent, or null without one. */
  static RacketProvider provider() {
    if (!present()) return null;
    return options -> new Connection(call(handles().connect(), options.toMap()));
  }

  /** The agent's global connection, or null without an agent. */
  static RacketConnection global() {
    if (!present()) return null;
    Map<String, Object> functions = call(handles().global(), null);
    return functions == null ? null : new Connection(functions);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> call(MethodHandle handle, Object argument) {
    try {
      return (Map<String, Object>) (argument == null ? handle.invoke() : handle.invoke(argument));
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException("racket agent bridge failed: " + t, t);
    }
  }

  /** A connection whose work the agent does. */
  private static final class Connection implements RacketConnection {
    private final BiFunction<String, Object, CompletableFuture<Long>> emit;
    private final BiFunction<String, Object, CompletableFuture<Long>> tryEmit;
    private final BiFunction<String, Consumer<Map<String, Object>>, AutoCloseable> subscribe;
    private final Runnable close;
    private final Supplier<List<Map<String, Object>>> clients; // null: an agent older than clients

    @SuppressWarnings("unchecked")
    Connection(Map<String, Object> functions) {
      this.emit = (BiFunction<String, Object, CompletableFuture<Long>>) functions.get("emit");
      // An agent without tryEmit: its emit stands in for it.
      this.tryEmit = (BiFunction<String, Object, CompletableFuture<Long>>)
          functions.getOrDefault("tryEmit", emit);
      this.subscribe =
          (BiFunction<String, Consumer<Map<String, Object>>, AutoCloseable>) functions.get("subscribe");
      this.close = (Runnable) functions.get("close");
      this.clients = (Supplier<List<Map<String, Object>>>) functions.get("clients");
    }

    @Override
    public CompletableFuture<Long> emit(String type, Object body) {
      return emit.apply(type, body);
    }

    @Override
    public CompletableFuture<Long> tryEmit(String type, Object body) {
      return tryEmit.apply(type, body);
    }

    @Override
    public Subscription subscribe(String filter, Consumer<? super ProcessEvent> handler) {
      AutoCloseable s = subscribe.apply(filter, map -> handler.accept(new BridgedEvent(map)));
      return new Subscription() {
        @Override
        public String filter() {
          return filter;
        }

        @Override
        public void unsubscribe() {
          try {
            s.close();
          } catch (Exception e) {
            throw new IllegalStateException("unsubscribe failed: " + e, e);
          }
        }
      };
    }

    @Override
    public List<ConnectedClient> clients() {
      if (clients == null) return RacketConnection.super.clients();
      List<ConnectedClient> list = new ArrayList<>();
      for (Map<String, Object> c : clients.get()) {
        @SuppressWarnings("unchecked")
        Map<String, Object> o = (Map<String, Object>) c.get("origin");
        Origin origin = o == null ? null : new Origin((String) o.get("id"), ((Number) o.get("pid")).longValue(),
            (String) o.get("host"), (String) o.get("name"));
        list.add(new ConnectedClient((String) c.get("transport"), origin, (String) c.get("types"),
            ((Number) c.get("since")).longValue(), (String) c.get("address"),
            ((Number) c.get("queued")).longValue()));
      }
      return List.copyOf(list);
    }

    @Override
    public void close() {
      close.run();
    }
  }
}
