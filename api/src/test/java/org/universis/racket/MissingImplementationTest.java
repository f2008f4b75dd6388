package org.universis.racket;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The api module's own test class path has no implementation: exactly the user's mistake. */
class MissingImplementationTest {

  @Test
  void withoutAnImplementationTheErrorNamesBothFixes() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> new ProcessEventEmitter("http://localhost:14440"));
    assertTrue(e.getMessage().contains("org.universis:racket-relay"), e.getMessage());
    assertTrue(e.getMessage().contains("-javaagent:racket.jar"), e.getMessage());
  }

  @Test
  void anUnregisteredGlobalEmitterSaysHowToRegister() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> InterProcessEventEmitter.emit("x", "y"));
    assertTrue(e.getMessage().contains("InterProcessEventEmitter.register()"), e.getMessage());
    assertTrue(e.getMessage().contains("-javaagent:racket.jar"), e.getMessage());
  }
}
