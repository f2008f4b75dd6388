package org.universis.racket.relay;

import java.io.UncheckedIOException;
import org.universis.racket.relay.internal.Log;
import org.universis.racket.relay.internal.server.OutOfMemoryExit;

/** {@code java -jar racket-relay.jar}: runs a relay until the process is stopped. */
public final class RelayMain {

  private RelayMain() {}

  public static void main(String[] args) {
    Log.setDefaultLevel(Log.Level.INFO); // a library's default is WARN; --log-level may change this
    RelayConfig config;
    try {
      config = RelayCommandLine.parse(args, System.getenv());
    } catch (RelayCommandLine.UsageException e) {
      System.err.println("racket relay: " + e.getMessage());
      System.exit(2);
      return;
    }
    if (config == null) {
      System.out.print(RelayCommandLine.help());
      return;
    }
    OutOfMemoryExit.install();
    Relay relay;
    try {
      relay = Relay.start(config);
    } catch (UncheckedIOException e) {
      System.err.println("racket relay: " + e.getMessage());
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(relay::close, "racket-relay-shutdown"));
    // Start-up garbage (class loading, Undertow's set-up) stays resident until the first
    // collection; one now lets the heap shrink: idle RSS 65 -> 55 MiB on a 24 GiB machine.
    // Only the standalone process does this: an embedded relay never collects its app's heap.
    System.gc();
    System.out.println("racket relay listening on " + relay.url());
    System.out.flush();
  }
}
