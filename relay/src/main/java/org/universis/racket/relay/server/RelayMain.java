package org.universis.racket.relay.server;

import java.io.UncheckedIOException;

/** {@code java -jar racket-relay.jar}: runs a relay until the process is stopped. */
public final class RelayMain {

  private RelayMain() {}

  public static void main(String[] args) {
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
    Relay relay;
    try {
      relay = Relay.start(config);
    } catch (UncheckedIOException e) {
      System.err.println("racket relay: " + e.getMessage());
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(relay::close, "racket-relay-shutdown"));
    System.out.println("racket relay listening on http://" + config.host() + ":" + relay.port());
    System.out.flush();
  }
}
