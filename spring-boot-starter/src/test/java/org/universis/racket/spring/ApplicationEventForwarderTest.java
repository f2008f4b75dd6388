package org.universis.racket.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.universis.racket.junit.RacketEvents;
import org.universis.racket.junit.RacketTest;
import org.universis.racket.junit.TestRelay;

/** racket.spring.forward-application-events between two contexts, each with its own connection. */
@RacketTest
class ApplicationEventForwarderTest {

  public record CacheCleared(String cache) {}

  static class Listener {
    final BlockingQueue<String> got = new LinkedBlockingQueue<>();

    @EventListener
    void on(CacheCleared event) {
      got.add(event.cache());
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class ListenerConfig {
    @Bean
    Listener listener() {
      return new Listener();
    }
  }

  private static ApplicationContextRunner runner(TestRelay relay, String name) {
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(RacketAutoConfiguration.class))
        .withUserConfiguration(ListenerConfig.class)
        .withPropertyValues("racket.url=" + relay.url(), "racket.mode=client", "racket.name=" + name,
            "racket.spring.forward-application-events=" + CacheCleared.class.getName());
  }

  @Test
  void anEventPublishedInOneContextIsPublishedInTheOtherOnceAndNeverEchoed(TestRelay relay, RacketEvents events) {
    runner(relay, "a").run(a -> runner(relay, "b").run(b -> {
      BlockingQueue<String> inA = a.getBean(Listener.class).got;
      BlockingQueue<String> inB = b.getBean(Listener.class).got;
      String filter = ApplicationEventForwarder.PREFIX + "*." + CacheCleared.class.getName();
      Relays.awaitClients(relay, c -> c.split(Pattern.quote(filter), -1).length == 3,
          "both contexts subscribed to " + filter);

      a.publishEvent(new CacheCleared("users"));
      assertEquals("users", inA.poll(10, TimeUnit.SECONDS));
      assertEquals("users", inB.poll(10, TimeUnit.SECONDS), "forwarded to b");
      // A sentinel from b: in relay order after any echo of "users" a could have received.
      b.publishEvent(new CacheCleared("sentinel"));
      assertEquals("sentinel", inB.poll(10, TimeUnit.SECONDS));
      assertEquals("sentinel", inA.poll(10, TimeUnit.SECONDS), "a got no copy of its own event, nor b any echo");
      assertEquals(List.of(), List.copyOf(inA));
      assertEquals(List.of(), List.copyOf(inB));
      events.await(filter, Duration.ofSeconds(10)); // the recorder is a subscriber of its own
      events.await(filter, Duration.ofSeconds(10));
      assertEquals(2, events.all().size(), "two events crossed the relay: " + events.types());
    }));
  }

  @Test
  void withoutTheListNoForwarderExists(TestRelay relay) {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(RacketAutoConfiguration.class))
        .withPropertyValues("racket.url=" + relay.url(), "racket.mode=client")
        .run(context -> assertFalse(context.containsBean("racketApplicationEventForwarder")));
  }
}
