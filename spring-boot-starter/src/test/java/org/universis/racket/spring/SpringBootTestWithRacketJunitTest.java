package org.universis.racket.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;
import org.universis.racket.ProcessEventEmitter;
import org.universis.racket.junit.RacketEvents;
import org.universis.racket.junit.RacketTest;
import org.universis.racket.junit.TestRelay;

/** A @SpringBootTest in a @RacketTest class: the application's emitter uses the test relay. */
@RacketTest
@SpringBootTest(classes = SpringBootTestWithRacketJunitTest.App.class, properties = "racket.name=boot-test")
class SpringBootTestWithRacketJunitTest {

  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class App {}

  @Autowired
  ProcessEventEmitter emitter;

  @Autowired
  Environment environment;

  @Test
  void theApplicationsEmitterReachesTheTestRelay(TestRelay relay, RacketEvents events) throws Exception {
    assertEquals(relay.url(), environment.getProperty("racket.url"));
    assertEquals("client", environment.getProperty("racket.mode"));
    emitter.emit("app.started", Map.of("ok", true)).get(10, TimeUnit.SECONDS);
    assertEquals("boot-test", events.await("app.started").origin().name());
  }
}
