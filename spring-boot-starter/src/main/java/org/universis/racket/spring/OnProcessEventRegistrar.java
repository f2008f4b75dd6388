package org.universis.racket.spring;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.DestructionAwareBeanPostProcessor;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ReflectionUtils;
import org.universis.racket.OnProcessEvent;
import org.universis.racket.ProcessEvent;
import org.universis.racket.Subscription;

/**
 * Subscribes the {@link OnProcessEvent} instance methods of every bean once it is initialised, and
 * unsubscribes them when the bean is destroyed (for singletons: when the context closes). Under the
 * racket agent it does nothing: the agent subscribes those methods itself.
 */
final class OnProcessEventRegistrar implements DestructionAwareBeanPostProcessor {

  private final ObjectProvider<ProcessEventTemplate> template;
  private final boolean agentSubscribes;
  private final Map<Object, List<Subscription>> subscriptions = new ConcurrentHashMap<>();

  OnProcessEventRegistrar(ObjectProvider<ProcessEventTemplate> template, boolean agentSubscribes) {
    this.template = template;
    this.agentSubscribes = agentSubscribes;
  }

  @Override
  public Object postProcessAfterInitialization(Object bean, String beanName) {
    if (agentSubscribes) return bean;
    List<Method> handlers = new ArrayList<>();
    ReflectionUtils.doWithMethods(AopUtils.getTargetClass(bean), handlers::add,
        m -> !Modifier.isStatic(m.getModifiers()) && AnnotatedElementUtils.hasAnnotation(m, OnProcessEvent.class));
    if (handlers.isEmpty()) return bean;
    List<Subscription> subs = new ArrayList<>();
    for (Method m : handlers) {
      String filter = AnnotatedElementUtils.findMergedAnnotation(m, OnProcessEvent.class).value();
      subs.add(template.getObject().subscribe(filter, handler(bean, m, beanName)));
    }
    subscriptions.put(bean, subs);
    return bean;
  }

  @Override
  public boolean requiresDestruction(Object bean) {
    return subscriptions.containsKey(bean);
  }

  @Override
  public void postProcessBeforeDestruction(Object bean, String beanName) {
    List<Subscription> subs = subscriptions.remove(bean);
    if (subs != null) subs.forEach(Subscription::unsubscribe);
  }

  /** Calls {@code method} on the bean (through its proxy, if any) with the event or its decoded body. */
  private static Consumer<ProcessEvent> handler(Object bean, Method method, String beanName) {
    Class<?>[] params = method.getParameterTypes();
    if (params.length > 1) {
      throw new IllegalStateException("@OnProcessEvent method " + method + " of bean '" + beanName
          + "' takes more than one parameter; it takes none, a ProcessEvent, or the body's type");
    }
    Method target = AopUtils.selectInvocableMethod(method, bean.getClass());
    ReflectionUtils.makeAccessible(target);
    return event -> {
      Object[] args = params.length == 0 ? new Object[0]
          : new Object[] {params[0] == ProcessEvent.class ? event : event.body(params[0])};
      try {
        target.invoke(bean, args);
      } catch (InvocationTargetException e) {
        ReflectionUtils.rethrowRuntimeException(e.getTargetException());
      } catch (IllegalAccessException e) {
        throw new IllegalStateException("cannot call " + target, e);
      }
    };
  }
}
