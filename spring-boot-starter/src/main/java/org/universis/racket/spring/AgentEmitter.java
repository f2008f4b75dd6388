package org.universis.racket.spring;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import org.universis.racket.InterProcessEventEmitter;
import org.universis.racket.ProcessEventEmitter;

/**
 * The racket agent's process-wide emitter, when the JVM runs the agent: the starter adopts it, as
 * {@code InterProcessEventEmitter.register()} does, so the process keeps one connection. Its
 * {@code close()} does nothing: the agent owns it.
 */
final class AgentEmitter {

  private AgentEmitter() {}

  /** The agent's emitter, or null without the agent. */
  static ProcessEventEmitter find() {
    // racket-api keeps the adoption (InterProcessEventEmitter.agentEmitter()) to itself; it has no
    // public accessor yet, so the starter calls the same method.
    try {
      Method agentEmitter = InterProcessEventEmitter.class.getDeclaredMethod("agentEmitter");
      agentEmitter.setAccessible(true);
      return (ProcessEventEmitter) agentEmitter.invoke(null);
    } catch (InvocationTargetException e) {
      throw new IllegalStateException("cannot reach the racket agent's emitter: " + e.getCause(), e.getCause());
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException("this racket-api has no InterProcessEventEmitter.agentEmitter(): "
          + "use a racket-api of the starter's version", e);
    }
  }
}
