package org.universis.racket.agent.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.universis.racket.RacketOptions;
import org.universis.racket.relay.internal.Log;

class AgentOptionsTest {

  @AfterEach
  void clearProperties() {
    System.clearProperty("racket.name");
    System.clearProperty("racket.log");
  }

  @Test
  void agentArgumentsWinOverSystemPropertiesWhichWinOverDefaults() {
    System.setProperty("racket.name", "from-property");
    assertEquals("from-args", AgentOptions.parse("name=from-args").racket().name());
    assertEquals("from-property", AgentOptions.parse("").racket().name());
    assertEquals(RacketOptions.Mode.AUTO, AgentOptions.parse(null).racket().mode());
  }

  @Test
  void everyRacketOptionIsAnAgentArgument() {
    RacketOptions o = AgentOptions.parse(
        "url=http://127.0.0.1:15000,mode=client,name=orders,token=s3cret,buffer=5,queue=7,"
            + "emit-timeout=2s,queue-bytes=8m").racket();
    assertEquals("http://127.0.0.1:15000", o.url().toString());
    assertEquals(RacketOptions.Mode.CLIENT, o.mode());
    assertEquals("orders", o.name());
    assertEquals("s3cret", o.token());
    assertEquals(5, o.buffer());
    assertEquals(7, o.queue());
    assertEquals(2_000, o.emitTimeout().toMillis());
    assertEquals(8L << 20, o.queueBytes());
  }

  @Test
  void theLogLevelIsTheAgentsOwnOptionAlsoFromTheEnvironment() {
    assertEquals(Log.Level.WARN, AgentOptions.parse("").log());
    assertEquals(Log.Level.DEBUG, AgentOptions.parse("log=debug").log());
    System.setProperty("racket.log", "info");
    assertEquals(Log.Level.INFO, AgentOptions.parse("").log());
  }

  @Test
  void anUnknownKeyIsRefusedByName() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AgentOptions.parse("mdoe=client"));
    assertEquals("unknown option 'mdoe'", e.getMessage());
  }

  @Test
  void aBadValueIsRefusedSayingWhy() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> AgentOptions.parse("buffer=lots"))
        .getMessage().contains("buffer 'lots' is not a whole number"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> AgentOptions.parse("log=loud"))
        .getMessage().contains("log level 'loud' is not one of trace, debug, info, warn, error, off"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> AgentOptions.parse("url"))
        .getMessage().contains("agent argument 'url' is not key=value"));
  }
}
