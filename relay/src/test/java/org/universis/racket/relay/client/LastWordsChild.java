package org.universis.racket.relay.client;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.universis.racket.ProcessEventEmitter;

/**
 * A batch-style JVM of {@link LastWordsIT}: one {@link ProcessEventEmitter} of the url in args[0]
 * (options from system properties), never closed. On any line from stdin it emits args[1] {@code
 * burst.event}s without looking at one future, then one last, and returns from {@code main}.
 */
public final class LastWordsChild {

  public static void main(String[] args) throws Exception {
    ProcessEventEmitter emitter = new ProcessEventEmitter(args[0]);
    new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    int events = Integer.parseInt(args[1]);
    for (int n = 1; n <= events; n++) emitter.emit("burst.event", n);
    emitter.emit("burst.event", "last");
    System.out.println("RETURNING");
  }
}
