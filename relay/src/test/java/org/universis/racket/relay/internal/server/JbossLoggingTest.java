package org.universis.racket.relay.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jboss.logging.Logger;
import org.jboss.logging.MDC;
import org.junit.jupiter.api.Test;
import org.universis.racket.relay.internal.Log;

/** JBoss Logging finds {@link JbossLogging} by its service file, with no system property set. */
class JbossLoggingTest {

  @Test
  void undertowXnioAndJbossThreadsLogThroughRacketsLogger() {
    for (String name : new String[] {"io.undertow.Undertow", "org.xnio.nio", "org.jboss.threads"}) {
      assertTrue(Logger.getLogger(name) instanceof JbossLogging.RacketLogger, name);
    }
  }

  @Test
  void anApplicationsOwnJbossLoggingUsersKeepTheBackendTheyWouldHaveHad() {
    for (String name : new String[] {"org.hibernate.SQL", "org.jboss.weld.Bootstrap", "org.wildfly.security"}) {
      assertFalse(Logger.getLogger(name) instanceof JbossLogging.RacketLogger, name);
    }
  }

  @Test
  void anApplicationsDiagnosticContextsAreKeptByItsBackend() {
    MDC.put("racket.test", "kept");
    try {
      assertEquals("kept", MDC.get("racket.test"));
    } finally {
      MDC.remove("racket.test");
    }
  }

  @Test
  void theirInfoIsRacketsDebugAndTheirDebugRacketsTrace() {
    assertEquals(Log.Level.DEBUG, JbossLogging.RacketLogger.map(Logger.Level.INFO));
    assertEquals(Log.Level.TRACE, JbossLogging.RacketLogger.map(Logger.Level.DEBUG));
    assertEquals(Log.Level.WARN, JbossLogging.RacketLogger.map(Logger.Level.WARN));
    assertEquals(Log.Level.ERROR, JbossLogging.RacketLogger.map(Logger.Level.FATAL));
  }
}
