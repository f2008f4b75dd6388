package org.universis.racket;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method that receives process events without any {@code subscribe} call.
 *
 * <p>With the racket agent, static methods are subscribed when their class initialises and instance
 * methods when an instance is constructed; instances are held weakly, so a collected instance stops
 * receiving. The method takes one parameter: a {@link ProcessEvent}, or a type the body is decoded
 * into (a record, a POJO, a {@code Map}).
 *
 * <pre>{@code
 * class Cache {
 *   @OnProcessEvent("cache.invalidate")
 *   void onInvalidate(Invalidate key) { ... }
 * }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface OnProcessEvent {

  /** The filter: a type, or a pattern with {@code *} (one token) and {@code >} (the rest). */
  String value() default ">";
}
