package org.universis.racket.examples;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.universis.racket.ProcessEvent;
import org.universis.racket.ProcessEventEmitter;
import org.universis.racket.Subscription;

/**
 * The seed's serviceHost: a relay on another port ({@code java -jar racket-relay.jar --port 12345},
 * or, since this url is loopback, hosted by this very JVM when nothing answers there). Subscribes,
 * emits the seed's event, prints it as it comes back, and exits.
 */
public final class ServiceHost {

  public static void main(String[] args) throws Exception {
    String url = args.length > 0 ? args[0] : "http://localhost:12345/";
    try (ProcessEventEmitter relay = new ProcessEventEmitter(url)) {
      CompletableFuture<ProcessEvent> received = new CompletableFuture<>();
      Subscription subscription = relay.subscribe(received::complete);
      relay.emit(Map.of("type", "message", "value", Map.of("body", "Hello World!")));
      ProcessEvent event = received.get(30, TimeUnit.SECONDS);
      System.out.println("received " + event.type() + " " + event.id() + " through " + url + ": "
          + event.body());
      subscription.unsubscribe();
    }
  }
}
