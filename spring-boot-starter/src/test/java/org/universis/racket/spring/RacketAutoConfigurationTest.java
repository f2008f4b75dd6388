package org.universis.racket.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.universis.racket.OnProcessEvent;
import org.universis.racket.ProcessEvent;
import org.universis.racket.ProcessEventEmitter;
import org.universis.racket.junit.RacketEvents;
import org.universis.racket.junit.RacketTest;
import org.universis.racket.junit.TestRelay;

/** The auto-configuration in contexts of its own, each against the class's test relay. */
@RacketTest
class RacketAutoConfigurationTest {

  record Invalidate(String cache, int key) {}

  /** A bean with handlers, as an application writes it. */
  static class Cache {
    final BlockingQueue<Object> got = new LinkedBlockingQueue<>();

    @OnProcessEvent("cache.invalidate")
    void evict(Invalidate key) {
      got.add(key);
    }

    @OnProcessEvent("cache.probe")
    void probe(ProcessEvent event) {
      got.add(event.type());
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class CacheConfig {
    @Bean
    Cache cache() {
      return new Cache();
    }

    @Bean
    MeterRegistry meterRegistry() {
      return new SimpleMeterRegistry();
    }
  }

  private static ApplicationContextRunner runner(TestRelay relay) {
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(RacketAutoConfiguration.class, RacketActuatorAutoConfiguration.class,
            MetricsAutoConfiguration.class))
        .withUserConfiguration(CacheConfig.class)
        .withPropertyValues("racket.url=" + relay.url(), "racket.mode=client", "racket.name=cache-service");
  }

  @Test
  void onProcessEventMethodsOfBeansReceiveAndAreUnsubscribedWhenTheContextCloses(TestRelay relay,
      ProcessEventEmitter other) throws Exception {
    runner(relay).run(context -> {
      Cache cache = context.getBean(Cache.class);
      // Emitted on the context's own connection, the probe comes back once the handlers are subscribed.
      context.getBean(ProcessEventEmitter.class).emit("cache.probe", Map.of());
      assertEquals("cache.probe", cache.got.poll(10, TimeUnit.SECONDS));

      other.emit("cache.invalidate", new Invalidate("users", 42));
      assertEquals(new Invalidate("users", 42), cache.got.poll(10, TimeUnit.SECONDS));
      Relays.awaitClients(relay, c -> c.contains("cache.invalidate,cache.probe") || c.contains("cache.probe,cache.invalidate"),
          "the context's subscriptions");
    });
    Relays.awaitClients(relay, c -> !c.contains("cache.probe"), "the context's connection gone after close");
  }

  @Test
  void destroyingABeanUnsubscribesItsMethods(TestRelay relay) throws Exception {
    runner(relay).run(context -> {
      Relays.awaitClients(relay, c -> c.contains("cache.probe"), "the bean's subscriptions");
      ((DefaultListableBeanFactory) context.getBeanFactory()).destroySingleton("cache");
      Relays.awaitClients(relay, c -> !c.contains("cache.probe") && c.contains("cache-service"),
          "the connection without the bean's filters");
    });
  }

  @Test
  void theMetersCountEmitsReceiptsAndTheEmitLatency(TestRelay relay, ProcessEventEmitter other) {
    runner(relay).run(context -> {
      MeterRegistry meters = context.getBean(MeterRegistry.class);
      ProcessEventTemplate template = context.getBean(ProcessEventTemplate.class);
      Cache cache = context.getBean(Cache.class);
      assertEquals(0.0, meters.get("racket.events.emitted").functionCounter().count());

      template.emit("cache.probe", Map.of()).get(10, TimeUnit.SECONDS);
      template.emit("job.done", Map.of()).get(10, TimeUnit.SECONDS);
      assertEquals("cache.probe", cache.got.poll(10, TimeUnit.SECONDS));
      other.emit("cache.invalidate", new Invalidate("users", 1));
      assertInstanceOf(Invalidate.class, cache.got.poll(10, TimeUnit.SECONDS));

      assertEquals(2.0, meters.get("racket.events.emitted").functionCounter().count());
      assertEquals(2L, meters.get("racket.emit.latency").timer().count());
      assertEquals(2.0, meters.get("racket.events.received").functionCounter().count());
      assertEquals(0.0, meters.get("racket.resyncs").functionCounter().count());
      assertEquals(0.0, meters.get("racket.events.dropped").functionCounter().count());
      assertEquals(0.0, meters.get("racket.emit.failures").functionCounter().count());
    });
  }

  @Test
  void theHealthIndicatorIsUpWithTheRelayAndDownWithoutIt(TestRelay relay) throws Exception {
    runner(relay).run(context -> {
      Health health = context.getBean("racketHealthIndicator", HealthIndicator.class).health();
      assertEquals(Status.UP, health.getStatus(), health.toString());
      assertEquals(relay.url(), health.getDetails().get("url"));
      assertEquals("ok", ((Map<?, ?>) health.getDetails().get("relay")).get("status"), health.toString());
    });
    int nothing;
    try (ServerSocket s = new ServerSocket(0)) {
      nothing = s.getLocalPort();
    }
    runner(relay).withPropertyValues("racket.url=http://127.0.0.1:" + nothing).run(context -> {
      Health health = context.getBean("racketHealthIndicator", HealthIndicator.class).health();
      assertEquals(Status.DOWN, health.getStatus(), health.toString());
    });
  }

  @Test
  void racketEnabledFalseCreatesNothing(TestRelay relay) {
    runner(relay).withPropertyValues("racket.enabled=false").run(context -> {
      assertFalse(context.containsBean("processEventEmitter"));
      assertFalse(context.containsBean("racketHealthIndicator"));
    });
  }

  @Test
  void theEmitterIsConfiguredFromRacketProperties(TestRelay relay, RacketEvents events) {
    runner(relay).run(context -> {
      context.getBean(ProcessEventEmitter.class).emit("config.reloaded", Map.of());
      assertEquals("cache-service", events.await("config.reloaded").origin().name());
    });
  }

  @Test
  void theIdeMetadataDescribesEveryProperty() throws Exception {
    // The starter's own, generated by spring-boot-configuration-processor (other jars have theirs).
    String json = Files.readString(Path.of(RacketProperties.class.getProtectionDomain().getCodeSource()
        .getLocation().toURI()).resolve("META-INF/spring-configuration-metadata.json"));
    for (String key : new String[] {"url", "mode", "name", "token", "buffer", "queue", "enabled"}) {
      assertTrue(json.contains("\"name\": \"racket." + key + "\""), key + " in " + json);
    }
    assertTrue(json.contains("\"description\": \"The relay's bearer token.\""), json);
  }
}
