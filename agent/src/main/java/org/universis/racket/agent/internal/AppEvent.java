package org.universis.racket.agent.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import org.universis.racket.Origin;
import org.universis.racket.ProcessEvent;

/**
 * An event as the application's own {@code ProcessEvent} interface, for {@code @OnProcessEvent}
 * methods that take one. The application's interface comes from its class loader's copy of
 * racket-api (its class path, BOOT-INF/lib, a web app's WEB-INF/lib...), which may be older or newer
 * than the agent's: a proxy answers by method name, and any default method it does not know runs as
 * the application's api defines it.
 */
final class AppEvent implements InvocationHandler {

  /** Per application ProcessEvent interface: the constructor of the same loader's {@code Origin}. */
  private static final ClassValue<MethodHandle> ORIGINS = new ClassValue<>() {
    @Override
    protected MethodHandle computeValue(Class<?> eventType) {
      try {
        Class<?> origin = Class.forName("org.universis.racket.Origin", false, eventType.getClassLoader());
        return MethodHandles.publicLookup().findConstructor(origin,
            MethodType.methodType(void.class, String.class, long.class, String.class, String.class));
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("the application's racket-api has no usable Origin", e);
      }
    }
  };

  private final ProcessEvent event;
  private final MethodHandle originConstructor;

  private AppEvent(ProcessEvent event, MethodHandle originConstructor) {
    this.event = event;
    this.originConstructor = originConstructor;
  }

  /** {@code event} as an instance of {@code eventType}, the application's ProcessEvent. */
  static Object of(Class<?> eventType, ProcessEvent event) {
    return Proxy.newProxyInstance(eventType.getClassLoader(), new Class<?>[] {eventType},
        new AppEvent(event, ORIGINS.get(eventType)));
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    int arity = args == null ? 0 : args.length;
    switch (method.getName()) {
      case "id": return event.id();
      case "type": return event.type();
      case "time": return event.time();
      case "seq": return event.seq();
      case "json": return event.json();
      case "origin": return origin();
      case "body": return arity == 0 ? event.body() : event.body((Class<?>) args[0]);
      case "hashCode": return System.identityHashCode(proxy);
      case "equals": return proxy == args[0];
      case "toString": return event.toString();
      default:
        if (method.isDefault()) return InvocationHandler.invokeDefault(proxy, method, args);
        throw new UnsupportedOperationException(method + " is not known to this racket agent");
    }
  }

  private Object origin() throws Throwable {
    Origin o = event.origin();
    return originConstructor.invoke(o.id(), o.pid(), o.host(), o.name());
  }
}
