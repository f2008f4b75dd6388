package org.universis.racket.relay.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.universis.racket.relay.internal.Log;

class LogTest {

  private final PrintStream realErr = System.err;
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @BeforeEach
  void captureStderr() {
    assumeTrue(System.getProperty(Log.PROPERTY) == null, "-Dracket.log fixes the level");
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restore() {
    System.setErr(realErr);
    Log.setDefaultLevel(Log.Level.WARN);
  }

  private String logged() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aLibraryLogsWarningsButNotInfo() {
    Log.info("quiet");
    Log.warn("heard");
    assertEquals(1, logged().lines().count(), logged());
    assertTrue(logged().contains(" WARN racket [" + Thread.currentThread().getName() + "] heard"), logged());
  }

  @Test
  void aWarningWithACauseCarriesItsStackTrace() {
    Log.warn("handler threw", new IllegalStateException("boom"));
    assertTrue(logged().contains("handler threw\njava.lang.IllegalStateException: boom\n\tat "), logged());
  }

  @Test
  void theLevelSetForTheStandaloneRelayApplies() {
    Log.setDefaultLevel(Log.parseLevel(" Debug "));
    Log.debug("detail");
    assertTrue(logged().contains(" DEBUG racket ["), logged());
    Log.setDefaultLevel(Log.Level.OFF);
    Log.warn("nothing");
    assertEquals(1, logged().lines().count(), logged());
  }

  @Test
  void anUnknownLevelIsRefusedNamingTheChoices() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Log.parseLevel("loud"));
    assertEquals("log level 'loud' is not one of trace, debug, info, warn, error, off", e.getMessage());
  }
}
