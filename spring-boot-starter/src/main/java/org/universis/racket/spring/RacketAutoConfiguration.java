package org.universis.racket.spring;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.universis.racket.ProcessEventEmitter;

/**
 * The emitter from {@code racket.*} properties (or the racket agent's, when the JVM runs it), the
 * {@link ProcessEventTemplate} and {@code @OnProcessEvent} on beans.
 */
@AutoConfiguration
@EnableConfigurationProperties(RacketProperties.class)
@ConditionalOnProperty(prefix = "racket", name = "enabled", matchIfMissing = true)
public class RacketAutoConfiguration {

  /** Closed with the context; the agent's emitter ignores the close (the agent owns it). */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public ProcessEventEmitter processEventEmitter(RacketProperties properties) {
    ProcessEventEmitter agent = AgentEmitter.find();
    return agent != null ? agent : new ProcessEventEmitter(properties.toOptions());
  }

  @Bean
  @ConditionalOnMissingBean
  public RacketStats racketStats() {
    return new RacketStats();
  }

  @Bean
  @ConditionalOnMissingBean
  public ProcessEventTemplate processEventTemplate(ProcessEventEmitter emitter, RacketStats stats) {
    return new ProcessEventTemplate(emitter, stats);
  }

  @Bean
  static OnProcessEventRegistrar racketOnProcessEventRegistrar(ObjectProvider<ProcessEventTemplate> template) {
    return new OnProcessEventRegistrar(template, AgentEmitter.find() != null);
  }
}
