package org.universis.racket.spring;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The health indicator (with Actuator) and the Micrometer meters (with Micrometer). */
@AutoConfiguration(after = RacketAutoConfiguration.class)
@ConditionalOnBean(RacketStats.class)
public class RacketActuatorAutoConfiguration {

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class})
  @ConditionalOnEnabledHealthIndicator("racket")
  static class Health {
    @Bean
    HealthIndicator racketHealthIndicator(RacketProperties properties, RacketStats stats) {
      return new RacketHealthIndicator(properties.toOptions(), stats);
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(MeterBinder.class)
  static class Metrics {
    @Bean
    MeterBinder racketMeters(RacketStats stats) {
      return registry -> bind(registry, stats);
    }
  }

  /**
   * {@code racket.events.emitted}, {@code racket.events.received}, {@code racket.events.dropped},
   * {@code racket.resyncs}, {@code racket.emit.failures} and the timer {@code racket.emit.latency}
   * (from the emit call to the relay's acceptance).
   */
  static void bind(MeterRegistry registry, RacketStats stats) {
    counter(registry, "racket.events.emitted", "events the relay accepted from this process", stats, RacketStats::emitted);
    counter(registry, "racket.events.received", "events handed to this process's handlers", stats, RacketStats::received);
    counter(registry, "racket.events.dropped", "events racket.resync notices said were lost", stats, RacketStats::dropped);
    counter(registry, "racket.resyncs", "racket.resync notices received", stats, RacketStats::resyncs);
    counter(registry, "racket.emit.failures", "emits that failed", stats, RacketStats::emitFailures);
    Timer latency = Timer.builder("racket.emit.latency")
        .description("from emit to the relay's acceptance")
        .register(registry);
    stats.onEmitLatency(nanos -> latency.record(nanos, TimeUnit.NANOSECONDS));
  }

  private static void counter(MeterRegistry registry, String name, String description, RacketStats stats,
      ToDoubleFunction<RacketStats> count) {
    FunctionCounter.builder(name, stats, count).description(description).register(registry);
  }
}
