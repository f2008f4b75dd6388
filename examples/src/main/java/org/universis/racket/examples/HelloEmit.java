package org.universis.racket.examples;

import java.util.Map;
import org.universis.racket.InterProcessEventEmitter;

/**
 * The seed's "start sending process events": registers the global emitter (which connects to
 * http://localhost:14440, or RACKET_URL, and hosts the relay there if nothing answers) and emits
 * {@code {"body":"Hello World!"}}, of type {@code message}.
 */
public final class HelloEmit {

  public static void main(String[] args) {
    InterProcessEventEmitter.register();
    long id = InterProcessEventEmitter.emit(Map.of("body", "Hello World!")).join();
    System.out.println("emitted event " + id);
    InterProcessEventEmitter.unregister();
  }
}
