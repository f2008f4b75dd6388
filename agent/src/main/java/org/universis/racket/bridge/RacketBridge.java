package org.universis.racket.bridge;

import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The one place where the racket agent and the applications' copies of racket-api meet.
 *
 * <p>The agent puts this class on the bootstrap class path, so every class loader of the JVM sees
 * the same class: the application class loader, a Spring Boot fat-jar loader, a child-first web-app
 * loader, and the agent's own isolated loader. Its members therefore use JDK types only. The agent
 * fills it once with {@link #install(Map)}; racket-api finds it with
 * {@code Class.forName("org.universis.racket.bridge.RacketBridge", false, null)} and calls it through
 * method handles; the agent's byte code advice calls {@link #registerInstance} and
 * {@link #registerStatic} from the application's classes.
 *
 * <p>A connection crosses the bridge as a map of functions (see {@link #global()}), an event as a
 * map of values (see the agent's {@code BridgeConnection}). New functions are new map keys, so an
 * old racket-api keeps working with a newer agent and the other way round.
 *
 * <p><b>Compatibility:</b> several racket-api versions may call one agent's bridge. Signatures here
 * only ever grow: never change or remove a member, never change what a map key means; add new ones.
 */
public final class RacketBridge {

  private static volatile Map<String, Object> agent;

  private RacketBridge() {}

  /**
   * Called once by the agent. Keys: {@code global} (a connection map), {@code connect} (a
   * {@code Function<Map<String,String>, Map<String,Object>>} from options to a connection map),
   * {@code registerInstance} ({@code BiConsumer<Object, Class<?>>}), {@code registerStatic}
   * ({@code Consumer<Class<?>>}).
   *
   * @return false when an agent had installed itself already (this one should then do nothing)
   */
  public static synchronized boolean install(Map<String, Object> functions) {
    if (agent != null) return false;
    agent = Map.copyOf(functions);
    return true;
  }

  /** Whether an agent has installed itself. */
  public static boolean installed() {
    return agent != null;
  }

  /**
   * The agent's process-wide connection, the one behind {@code InterProcessEventEmitter}: a map with
   * {@code emit} ({@code BiFunction<String, Object, CompletableFuture<Long>>}, which waits for room
   * in a full buffer up to the emit-timeout), {@code tryEmit} (the same type; never waits; may be
   * absent, and then {@code emit} stands in for it), {@code subscribe}
   * ({@code BiFunction<String, Consumer<Map<String,Object>>, AutoCloseable>}), {@code close}
   * ({@code Runnable}, a no-op for the global one) and {@code clients}
   * ({@code Supplier<List<Map<String,Object>>>}, each map a client with the keys of
   * {@code ConnectedClient}'s components, its {@code origin} a map or null; may be absent
   * too); {@code null} without an agent.
   */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> global() {
    Map<String, Object> a = agent;
    return a == null ? null : (Map<String, Object>) a.get("global");
  }

  /**
   * A new connection, as {@link #global()} describes, configured by {@code options} (keys as
   * {@code RacketOptions.toMap()}); {@code null} without an agent.
   */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> connect(Map<String, String> options) {
    Map<String, Object> a = agent;
    if (a == null) return null;
    return ((Function<Map<String, String>, Map<String, Object>>) a.get("connect")).apply(options);
  }

  /** From constructor advice: subscribes the instance methods {@code type} annotates. */
  @SuppressWarnings("unchecked")
  public static void registerInstance(Object instance, Class<?> type) {
    Map<String, Object> a = agent;
    if (a != null) ((BiConsumer<Object, Class<?>>) a.get("registerInstance")).accept(instance, type);
  }

  /** From type-initializer advice: subscribes the static methods {@code type} annotates. */
  @SuppressWarnings("unchecked")
  public static void registerStatic(Class<?> type) {
    Map<String, Object> a = agent;
    if (a != null) ((Consumer<Class<?>>) a.get("registerStatic")).accept(type);
  }
}
