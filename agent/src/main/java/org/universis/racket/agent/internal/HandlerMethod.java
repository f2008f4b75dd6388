package org.universis.racket.agent.internal;

import java.lang.annotation.Annotation;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.universis.racket.ProcessEvent;
import org.universis.racket.relay.internal.Log;

/**
 * One {@code @OnProcessEvent} method and how to call it with an event. The annotation and the
 * {@code ProcessEvent} type are the application's (its class loader's copy of racket-api), so both
 * are recognised by name, never by class identity.
 */
final class HandlerMethod {

  static final String ANNOTATION = "org.universis.racket.OnProcessEvent";
  private static final String EVENT = "org.universis.racket.ProcessEvent";

  final Method method;
  final String filter;
  private final Function<ProcessEvent, Object[]> arguments;

  private HandlerMethod(Method method, String filter, Function<ProcessEvent, Object[]> arguments) {
    this.method = method;
    this.filter = filter;
    this.arguments = arguments;
  }

  /** The annotated methods {@code type} itself declares. */
  static List<HandlerMethod> declaredBy(Class<?> type) {
    List<HandlerMethod> found = new ArrayList<>();
    for (Method m : type.getDeclaredMethods()) {
      for (Annotation a : m.getDeclaredAnnotations()) {
        if (a.annotationType().getName().equals(ANNOTATION)) {
          HandlerMethod h = of(m, a);
          if (h != null) found.add(h);
        }
      }
    }
    return List.copyOf(found);
  }

  private static HandlerMethod of(Method m, Annotation a) {
    Class<?>[] params = m.getParameterTypes();
    if (params.length > 1) {
      Log.warn("@OnProcessEvent " + m + " takes " + params.length + " parameters;"
          + " it must take one (a ProcessEvent or the body's type) or none; not subscribed");
      return null;
    }
    try {
      m.setAccessible(true);
    } catch (RuntimeException e) {
      Log.warn("@OnProcessEvent " + m + " cannot be called by the agent; not subscribed", e);
      return null;
    }
    return new HandlerMethod(m, filterOf(a), arguments(params));
  }

  private static String filterOf(Annotation a) {
    try {
      return (String) a.annotationType().getMethod("value").invoke(a);
    } catch (ReflectiveOperationException e) {
      return ">";
    }
  }

  private static Function<ProcessEvent, Object[]> arguments(Class<?>[] params) {
    if (params.length == 0) return e -> new Object[0];
    Class<?> p = params[0];
    if (p.getName().equals(EVENT)) return e -> new Object[] {AppEvent.of(p, e)};
    if (p == Object.class) return e -> new Object[] {e.body()};
    return e -> new Object[] {e.body(p)};
  }

  boolean isStatic() {
    return Modifier.isStatic(method.getModifiers());
  }

  /** Calls the method; what it throws is logged, never passed on, so delivery goes on. */
  void invoke(Object target, ProcessEvent event) {
    try {
      method.invoke(target, arguments.apply(event));
    } catch (InvocationTargetException e) {
      Log.warn("@OnProcessEvent " + method + " threw on event " + event.id(), e.getCause());
    } catch (RuntimeException | IllegalAccessException e) {
      Log.warn("@OnProcessEvent " + method + " could not take event " + event.id(), e);
    }
  }
}
