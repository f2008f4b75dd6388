package org.universis.racket.agent.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.universis.racket.ConnectedClient;
import org.universis.racket.Origin;
import org.universis.racket.ProcessEvent;
import org.universis.racket.spi.RacketConnection;

/**
 * A connection as it crosses {@code RacketBridge}: a map of functions over JDK types, because the
 * application's copy of racket-api cannot see this side's classes (see the bridge's class comment
 * for the keys). Events cross as maps too; racket-api wraps them back into its own
 * {@code ProcessEvent}.
 */
final class BridgeConnection {

  private BridgeConnection() {}

  /**
   * The functions of {@code connection}, which is asked for on every call so that it may be created
   * after the functions are handed out.
   *
   * @param closeable false for the agent's global connection, which outlives every caller
   */
  static Map<String, Object> functions(Supplier<RacketConnection> connection, boolean closeable) {
    BiFunction<String, Object, CompletableFuture<Long>> emit = (type, body) -> {
      try {
        return connection.get().emit(type, body);
      } catch (RuntimeException e) {
        return CompletableFuture.failedFuture(e);
      }
    };
    BiFunction<String, Object, CompletableFuture<Long>> tryEmit = (type, body) -> {
      try {
        return connection.get().tryEmit(type, body);
      } catch (RuntimeException e) {
        return CompletableFuture.failedFuture(e);
      }
    };
    BiFunction<String, Consumer<Map<String, Object>>, AutoCloseable> subscribe =
        (filter, handler) -> connection.get().subscribe(filter, event -> handler.accept(toMap(event)));
    Runnable close = closeable ? () -> connection.get().close() : () -> { };
    Supplier<List<Map<String, Object>>> clients = () -> {
      List<Map<String, Object>> list = new ArrayList<>();
      for (ConnectedClient c : connection.get().clients()) list.add(toMap(c));
      return list;
    };
    return Map.of("emit", emit, "tryEmit", tryEmit, "subscribe", subscribe, "close", close,
        "clients", clients);
  }

  /** A client as racket-api's {@code AgentBridge} reads it. */
  private static Map<String, Object> toMap(ConnectedClient c) {
    Map<String, Object> map = new HashMap<>();
    map.put("transport", c.transport());
    map.put("origin", c.origin() == null ? null : toMap(c.origin()));
    map.put("types", c.types());
    map.put("since", c.since());
    map.put("address", c.address());
    map.put("queued", c.queued());
    return map;
  }

  /** The event as racket-api's {@code BridgedEvent} reads it. */
  static Map<String, Object> toMap(ProcessEvent e) {
    Map<String, Object> map = new HashMap<>();
    map.put("id", e.id());
    map.put("type", e.type());
    map.put("time", e.time());
    map.put("origin", toMap(e.origin()));
    map.put("seq", e.seq());
    map.put("json", (Supplier<String>) e::json);
    map.put("body", (Supplier<Object>) e::body);
    map.put("decode", (Function<Class<?>, Object>) e::body);
    return map;
  }

  private static Map<String, Object> toMap(Origin o) {
    Map<String, Object> map = new HashMap<>();
    map.put("id", o.id());
    map.put("pid", o.pid());
    map.put("host", o.host());
    map.put("name", o.name());
    return map;
  }
}
