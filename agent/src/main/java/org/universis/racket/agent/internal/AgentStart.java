package org.universis.racket.agent.internal;

import java.lang.instrument.Instrumentation;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import org.universis.racket.RacketOptions;
import org.universis.racket.bridge.RacketBridge;
import org.universis.racket.relay.internal.Log;

/**
 * The agent's start-up, in its isolated class loader. What must be in place before the application's
 * main runs happens here, synchronously and cheaply: the options, the bridge, and a transformer that
 * spots classes with {@code @OnProcessEvent} methods. Loading the relay client and opening the global
 * connection happen on the daemon thread {@code racket-agent-start}.
 */
public final class AgentStart {

  private AgentStart() {}

  /** Called by {@code RacketAgent} through a method handle; never throws. */
  public static void start(Instrumentation inst, String args, boolean attached, long startedNanos) {
    AgentOptions options;
    try {
      options = AgentOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("racket-agent: not started: " + e.getMessage() + "; " + AgentOptions.VALID);
      return;
    }
    Log.setLevel(options.log()); // one logger for the agent, its relay client and its relay
    RacketOptions racket = options.racket();
    if (racket.mode() == RacketOptions.Mode.OFF) {
      Log.info("mode=off: nothing installed");
      return;
    }
    AgentRuntime runtime = new AgentRuntime(racket);
    HandlerRegistry registry = new HandlerRegistry(runtime::global);
    if (!RacketBridge.install(bridgeFunctions(runtime, registry))) {
      System.err.println("racket-agent: already loaded in this JVM; nothing to do");
      return;
    }
    HandlerTransformer transformer = new HandlerTransformer();
    // Retransformation only after an attach, for classes loaded before it: a transformer that may
    // retransform must weave again whenever any agent retransforms, which -javaagent never needs.
    inst.addTransformer(transformer, attached);
    Thread starter = new Thread(runtime::open, "racket-agent-start");
    starter.setDaemon(true);
    starter.start();
    if (attached) {
      // Before agentmain returns, so that the attach command returns with the handlers in place.
      transformer.adoptLoadedClasses(inst, registry);
    }
    Log.debug((attached ? "agentmain" : "premain") + " took "
        + (System.nanoTime() - startedNanos) / 1_000 + " us; " + racket);
  }

  private static Map<String, Object> bridgeFunctions(AgentRuntime runtime, HandlerRegistry registry) {
    Function<Map<String, String>, Map<String, Object>> connect = options -> {
      var connection = runtime.connect(options);
      return BridgeConnection.functions(() -> connection, true);
    };
    BiConsumer<Object, Class<?>> registerInstance = registry::registerInstance;
    Consumer<Class<?>> registerStatic = registry::registerStatic;
    return Map.of(
        "global", BridgeConnection.functions(runtime::global, false),
        "connect", connect,
        "registerInstance", registerInstance,
        "registerStatic", registerStatic);
  }
}
