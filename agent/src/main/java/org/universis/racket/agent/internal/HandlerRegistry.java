package org.universis.racket.agent.internal;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.universis.racket.Subscription;
import org.universis.racket.relay.internal.Log;
import org.universis.racket.spi.RacketConnection;

/**
 * Subscribes {@code @OnProcessEvent} methods: static ones when their class initialises, instance
 * ones when an instance is constructed. Called from the advice the agent weaves into application
 * classes, so nothing here may throw.
 *
 * <p>Instances are held weakly: a collected instance's subscriptions are closed the next time the
 * registry is used or one of them receives an event.
 */
final class HandlerRegistry {

  private final Supplier<RacketConnection> connection;
  private final ClassValue<List<HandlerMethod>> handlers = new ClassValue<>() {
    @Override
    protected List<HandlerMethod> computeValue(Class<?> type) {
      return HandlerMethod.declaredBy(type);
    }
  };
  private final Map<Target, Target> instances = new HashMap<>();
  private final ReferenceQueue<Object> collected = new ReferenceQueue<>();

  HandlerRegistry(Supplier<RacketConnection> connection) {
    this.connection = connection;
  }

  /** Subscribes the static handlers {@code type} declares. */
  void registerStatic(Class<?> type) {
    try {
      for (HandlerMethod h : handlers.get(type)) {
        if (!h.isStatic()) continue;
        connection.get().subscribe(h.filter, event -> h.invoke(null, event));
        Log.debug("subscribed " + h.method + " to " + h.filter);
      }
    } catch (Throwable t) {
      Log.warn("cannot subscribe the @OnProcessEvent methods of " + type.getName(), t);
    }
  }

  /**
   * Subscribes the instance handlers {@code type} declares, once per instance even when constructors
   * chain ({@code this(...)}, or a subclass's constructor running this one).
   */
  void registerInstance(Object instance, Class<?> type) {
    try {
      expunge();
      Target target = claim(instance, type);
      if (target == null) return;
      for (HandlerMethod h : handlers.get(type)) {
        if (h.isStatic()) continue;
        target.add(connection.get().subscribe(h.filter, event -> {
          Object t = target.get();
          if (t == null) {
            target.close(); // the instance was collected: its subscriptions, this one too, end
          } else {
            h.invoke(t, event);
          }
        }));
      }
    } catch (Throwable t) {
      Log.warn("cannot subscribe the @OnProcessEvent methods of " + type.getName(), t);
    }
  }

  /** The instance's entry, or null when {@code type}'s handlers are subscribed for it already. */
  private Target claim(Object instance, Class<?> type) {
    synchronized (instances) {
      Target key = new Target(instance, collected);
      Target target = instances.computeIfAbsent(key, k -> k);
      return target.types.add(type) ? target : null;
    }
  }

  private void expunge() {
    for (Object ref; (ref = collected.poll()) != null; ) {
      Target gone = (Target) ref;
      synchronized (instances) {
        instances.remove(gone);
      }
      gone.close();
    }
  }

  /** A weakly held instance, compared by identity, with the subscriptions made for it. */
  private static final class Target extends WeakReference<Object> {
    private final int hash;
    final Set<Class<?>> types = new HashSet<>();
    private final List<Subscription> subscriptions = new ArrayList<>();

    Target(Object instance, ReferenceQueue<Object> queue) {
      super(instance, queue);
      this.hash = System.identityHashCode(instance);
    }

    synchronized void add(Subscription s) {
      subscriptions.add(s);
    }

    synchronized void close() {
      subscriptions.forEach(Subscription::unsubscribe);
      subscriptions.clear();
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public boolean equals(Object o) {
      if (this == o) return true;
      if (!(o instanceof Target other)) return false;
      Object mine = get();
      return mine != null && mine == other.get();
    }
  }
}
