package org.universis.racket.relay.internal.client;

import java.util.concurrent.TimeUnit;
import org.universis.racket.ProcessEventEmitter;

/**
 * A JVM of {@link LastWordsIT} that ends from a handler: one {@link ProcessEventEmitter} of the url
 * in args[0] (options from system properties), subscribed to {@code quit}; prints {@code READY}
 * once the relay took its {@code burst.ready}. The handler of {@code quit} prints {@code HANDLER
 * <its thread's name>}, emits args[1] {@code burst.event}s without looking at one future, then
 * calls {@code System.exit(0)}.
 */
public final class ExitInHandlerChild {

  public static void main(String[] args) throws Exception {
    ProcessEventEmitter emitter = new ProcessEventEmitter(args[0]);
    int events = Integer.parseInt(args[1]);
    emitter.subscribe("quit", event -> {
      System.out.println("HANDLER " + Thread.currentThread().getName());
      for (int n = 1; n <= events; n++) emitter.emit("burst.event", n);
      System.exit(0);
    });
    emitter.emit("burst.ready", 0).get(60, TimeUnit.SECONDS);
    System.out.println("READY");
    Thread.sleep(Long.MAX_VALUE); // until the handler ends the JVM
  }
}
