package org.universis.racket.relay.internal.client;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.universis.racket.ProcessEventEmitter;

/**
 * A batch-style JVM of {@link LastWordsIT}: one {@link ProcessEventEmitter} of the url in args[0]
 * (options from system properties), never closed. With a third argument it first emits {@code
 * burst.ready} and prints {@code READY} once the relay took it. On any line from stdin it emits
 * args[1] {@code burst.event}s without looking at one future, then one last, and returns from
 * {@code main}.
 */
public final class LastWordsChild {

  public static void main(String[] args) throws Exception {
    ProcessEventEmitter emitter = new ProcessEventEmitter(args[0]);
    if (args.length > 2) {
      emitter.emit("burst.ready", 0).get(60, TimeUnit.SECONDS);
      System.out.println("READY");
    }
    new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    int events = Integer.parseInt(args[1]);
    for (int n = 1; n <= events; n++) emitter.emit("burst.event", n);
    emitter.emit("burst.event", "last");
    System.out.println("RETURNING");
  }
}
