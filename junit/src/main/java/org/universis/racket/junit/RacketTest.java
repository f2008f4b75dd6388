package org.universis.racket.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the test class against an embedded racket relay on a free loopback port, and injects
 * {@link org.universis.racket.ProcessEventEmitter}, {@link RacketEvents} and {@link TestRelay}
 * parameters connected to it.
 *
 * <pre>{@code
 * @RacketTest
 * class JobTest {
 *   @Test
 *   void reportsDone(ProcessEventEmitter emitter, RacketEvents events) {
 *     emitter.emit("job.done", Map.of("job", 7));
 *     assertEquals(Map.of("job", 7), events.await("job.done", Duration.ofSeconds(5)).body());
 *   }
 * }
 * }</pre>
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(RacketExtension.class)
public @interface RacketTest {

  /** One relay for the whole class (the default), or a fresh one for each test method. */
  RacketExtension.Lifecycle relay() default RacketExtension.Lifecycle.PER_CLASS;
}
