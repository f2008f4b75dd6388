package org.universis.racket.junit;

import java.util.List;
import java.util.Map;
import org.junit.platform.commons.support.AnnotationSupport;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.annotation.DirtiesContext.HierarchyMode;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.test.context.TestContext;
import org.springframework.test.context.support.AbstractTestExecutionListener;

/**
 * Gives the Spring context of a {@link RacketTest} class ({@code @SpringBootTest} and the like) the
 * test relay: {@code racket.url} is its url and {@code racket.mode} is {@code client}. The context
 * is that class's own (never shared with another class's, whose relay differs) and is closed after
 * the class, before its relay. Registered in {@code META-INF/spring.factories}; read only when
 * spring-test is on the class path.
 */
final class RacketContextCustomizerFactory implements ContextCustomizerFactory {

  @Override
  public ContextCustomizer createContextCustomizer(Class<?> testClass,
      List<ContextConfigurationAttributes> configAttributes) {
    return isRacketTest(testClass) ? new RelayUrl(testClass) : null;
  }

  private static boolean isRacketTest(Class<?> testClass) {
    return AnnotationSupport.isAnnotated(testClass, RacketTest.class);
  }

  /** Equal for the same test class only, so Spring's context cache keeps one context per class. */
  private record RelayUrl(Class<?> testClass) implements ContextCustomizer {
    @Override
    public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration config) {
      TestRelay relay = TestRelay.ofClass(testClass);
      if (relay == null) {
        throw new IllegalStateException(testClass.getName() + " has no class-wide racket test relay: a Spring"
            + " context needs @RacketTest with relay = PER_CLASS (the default)");
      }
      context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("racket-junit",
          Map.of("racket.url", relay.url(), "racket.mode", "client")));
    }
  }

  /** Closes the class's context after the class: its relay is about to close. */
  static final class CloseAfterClass extends AbstractTestExecutionListener {
    @Override
    public void afterTestClass(TestContext testContext) {
      if (isRacketTest(testContext.getTestClass())) testContext.markApplicationContextDirty(HierarchyMode.EXHAUSTIVE);
    }
  }
}
