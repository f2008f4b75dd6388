package org.universis.racket.relay.internal.client;

import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import org.universis.racket.RacketOptions;
import org.universis.racket.relay.Relay;
import org.universis.racket.relay.RelayConfig;
import org.universis.racket.relay.internal.Log;

/**
 * Hosts the relay inside this JVM when the mode asks for it. The election is the bind: in
 * {@code auto} mode, when nothing answers at a loopback url, every emitter that notices tries to
 * start a relay on that port and the one whose bind succeeds hosts it; the others connect to it.
 * When the host exits, its clients lose their connection, run the same step again, and one of them
 * takes over.
 */
final class RelayHost implements AutoCloseable {

  private final RacketOptions options;
  private final boolean allowed;
  private Relay relay; // guarded by this
  private boolean closed;

  RelayHost(RacketOptions options) {
    this.options = options;
    // A hosted relay has no certificate: it cannot answer an https url.
    this.allowed = "http".equals(options.url().getScheme())
        && (options.mode() == RacketOptions.Mode.RELAY
            || options.mode() == RacketOptions.Mode.AUTO && isLoopback(options.url().getHost()));
    if (hostFirst() && !allowed) {
      Log.warn("mode=relay, but a relay hosted here has no certificate for " + options.url()
          + "; connecting to it instead (use an http url to host one)");
    }
  }

  /** Whether {@code relay} mode: host before connecting. */
  boolean hostFirst() {
    return options.mode() == RacketOptions.Mode.RELAY;
  }

  /** Whether this emitter may host the relay at all (auto mode needs a loopback url). */
  boolean allowed() {
    return allowed;
  }

  /**
   * Starts a relay on the url's host and port unless this JVM hosts it already.
   *
   * @return whether this JVM now hosts the relay; {@code false} when another process holds the port
   *     (it won the election) or the relay cannot start (logged)
   */
  synchronized boolean tryStart() {
    if (closed || !allowed) return false;
    if (relay != null) return true;
    URI url = options.url();
    int port = url.getPort() > 0 ? url.getPort() : "https".equals(url.getScheme()) ? 443 : 80;
    try {
      relay = Relay.start(RelayConfig.builder()
          .host(url.getHost())
          .port(port)
          .token(UserSecret.of(options)) // this user's secret when no token is set
          .backplane(options.backplane())
          .daemonThreads(true)
          .build());
      Log.info("this JVM hosts the racket relay at " + url + " (relay " + relay.epoch() + ")");
      return true;
    } catch (UncheckedIOException e) {
      if (!(e.getCause() instanceof BindException)) {
        Log.warn("cannot host the racket relay at " + url + ": " + e.getMessage());
      } else if (hostFirst()) {
        Log.warn("mode=relay, but another process listens at " + url + "; connecting to it");
      }
      return false;
    } catch (RuntimeException e) {
      Log.warn("cannot host the racket relay at " + url + ": " + e.getMessage(), e);
      return false;
    }
  }

  /** Whether this JVM hosts the relay now. */
  synchronized boolean hosting() {
    return relay != null;
  }

  /** Stops the hosted relay, if any; its clients elsewhere take over. */
  @Override
  public synchronized void close() {
    closed = true;
    if (relay != null) {
      relay.close();
      relay = null;
    }
  }

  private static boolean isLoopback(String host) {
    if (host == null) return false;
    if (host.equalsIgnoreCase("localhost")) return true;
    try {
      // Only literal addresses are checked: a name other than localhost is not resolved here.
      boolean literal = host.matches("[0-9.]+") || host.startsWith("[") || host.contains(":");
      return literal && InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
