package org.universis.racket.relay.internal.client;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionException;
import org.universis.racket.ProcessEventEmitter;

/**
 * The child of {@link LastWordsIT} whose emits fail unobserved: an emitter of a url where no relay
 * runs (options from system properties, a short emit-timeout), args[1] emits whose futures it
 * drops, then one it joins. Prints {@code FAILED} once that one failed, and returns from {@code
 * main} at the end of stdin.
 */
public final class UnobservedFailureChild {

  public static void main(String[] args) throws Exception {
    ProcessEventEmitter emitter = new ProcessEventEmitter(args[0]);
    int unobserved = Integer.parseInt(args[1]);
    for (int n = 1; n <= unobserved; n++) emitter.emit("lost.event", n);
    try {
      emitter.emit("lost.event", 0).join();
      System.out.println("ACCEPTED?");
    } catch (CompletionException expected) {
      System.out.println("FAILED");
    }
    new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
  }
}
