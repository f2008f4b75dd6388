package org.universis.racket.examples;

import java.util.concurrent.CountDownLatch;
import org.universis.racket.InterProcessEventEmitter;
import org.universis.racket.Subscription;

/**
 * The seed's "subscribing for new events": prints every event any process emits, until it has
 * printed as many as args[0] says (default: until the JVM is stopped). Start it first, then run
 * {@link HelloEmit} in another terminal.
 */
public final class HelloSubscribe {

  public static void main(String[] args) throws InterruptedException {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : Integer.MAX_VALUE;
    CountDownLatch received = new CountDownLatch(count);
    InterProcessEventEmitter.register();
    Subscription subscription = InterProcessEventEmitter.subscribe(event -> {
      System.out.println(event.type() + " from " + event.origin().pid() + ": " + event.body());
      received.countDown();
    });
    System.out.println("listening; run HelloEmit in another terminal");
    received.await();
    subscription.unsubscribe();
    InterProcessEventEmitter.unregister();
  }
}
