package org.universis.racket.spring;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationListener;
import org.springframework.context.PayloadApplicationEvent;
import org.universis.racket.ProcessEvent;
import org.universis.racket.Subscription;

/**
 * Sends the application events of the chosen classes ({@code racket.spring.forward-application-events})
 * to every other process and publishes theirs here, as Spring Cloud Bus does. An event is a payload
 * published with {@code publishEvent(Object)}; it travels as JSON and is decoded into its class.
 *
 * <p>Its type is {@code spring-event.<sender>.<class name>}: the sender (random per context) lets a
 * context skip its own events, and an event published here because another process sent it is
 * never sent on.
 */
final class ApplicationEventForwarder implements ApplicationListener<PayloadApplicationEvent<?>>,
    SmartInitializingSingleton, DisposableBean {

  static final String PREFIX = "spring-event.";

  /** An application event another process sent; generic as Spring resolves the payload type through it. */
  static final class Received<T> extends PayloadApplicationEvent<T> {
    Received(Object source, T payload) {
      super(source, payload);
    }
  }

  private final List<Class<?>> classes;
  private final ProcessEventTemplate template;
  private final ApplicationEventPublisher publisher;
  private final String sender = Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
  private final List<Subscription> subscriptions = new ArrayList<>();

  ApplicationEventForwarder(List<Class<?>> classes, ProcessEventTemplate template, ApplicationEventPublisher publisher) {
    this.classes = List.copyOf(classes);
    this.template = template;
    this.publisher = publisher;
  }

  @Override
  public void afterSingletonsInstantiated() {
    for (Class<?> c : classes) {
      subscriptions.add(template.subscribe(PREFIX + "*." + c.getName(), event -> receive(c, event)));
    }
  }

  @Override
  public void onApplicationEvent(PayloadApplicationEvent<?> event) {
    if (event instanceof Received<?>) return;
    Object payload = event.getPayload();
    for (Class<?> c : classes) {
      if (c.isInstance(payload)) {
        template.emit(PREFIX + sender + "." + c.getName(), payload);
        return;
      }
    }
  }

  private void receive(Class<?> type, ProcessEvent event) {
    if (event.isResync() || event.type().startsWith(PREFIX + sender + ".")) return;
    publisher.publishEvent(new Received<>(this, event.body(type)));
  }

  @Override
  public void destroy() {
    subscriptions.forEach(Subscription::unsubscribe);
  }

  @Override
  public String toString() {
    return "ApplicationEventForwarder" + classes.stream().map(Class::getName).collect(Collectors.toList());
  }
}
