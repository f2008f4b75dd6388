package org.universis.racket.spring;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.universis.racket.InterProcessEventEmitter;
import org.universis.racket.ProcessEventEmitter;

/**
 * The emitter from {@code racket.*} properties (or the racket agent's, when the JVM runs it), the
 * {@link ProcessEventTemplate}, {@code @OnProcessEvent} on beans, and the forwarding of chosen
 * application events.
 */
@AutoConfiguration
@EnableConfigurationProperties(RacketProperties.class)
@ConditionalOnProperty(prefix = "racket", name = "enabled", matchIfMissing = true)
public class RacketAutoConfiguration {

  /** Closed with the context; the agent's emitter ignores the close (the agent owns it). */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public ProcessEventEmitter processEventEmitter(RacketProperties properties) {
    ProcessEventEmitter agent = InterProcessEventEmitter.agentEmitter();
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
    return new OnProcessEventRegistrar(template, InterProcessEventEmitter.agentEmitter() != null);
  }

  @Bean
  @Conditional(ForwardsApplicationEvents.class)
  static ApplicationEventForwarder racketApplicationEventForwarder(RacketProperties properties,
      ObjectProvider<ProcessEventTemplate> template, ApplicationEventPublisher publisher) {
    return new ApplicationEventForwarder(properties.getSpring().getForwardApplicationEvents(), template.getObject(),
        publisher);
  }

  /** Whether {@code racket.spring.forward-application-events} names any class. */
  static final class ForwardsApplicationEvents extends SpringBootCondition {
    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
      boolean any = Binder.get(context.getEnvironment())
          .bind("racket.spring.forward-application-events", Bindable.listOf(String.class))
          .map(list -> !list.isEmpty()).orElse(false);
      return any ? ConditionOutcome.match("racket.spring.forward-application-events is set")
          : ConditionOutcome.noMatch("racket.spring.forward-application-events is empty");
    }
  }
}
