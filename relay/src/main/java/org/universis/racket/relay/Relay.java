package org.universis.racket.relay;

import java.io.UncheckedIOException;
import java.net.BindException;
import org.universis.racket.relay.internal.server.RelayServer;

/**
 * A running relay. {@link #start(RelayConfig)} binds and returns it; {@link #close()} stops every
 * thread it started. Embeddable: with {@code daemonThreads} its threads never keep an app alive.
 */
public final class Relay implements AutoCloseable {

  private final RelayServer server;

  private Relay(RelayServer server) {
    this.server = server;
  }

  /**
   * Binds and starts a relay.
   *
   * @throws UncheckedIOException when it cannot bind; its cause is a {@link BindException} when
   *     the port is taken. No thread is left running then.
   */
  public static Relay start(RelayConfig config) {
    return new Relay(RelayServer.start(config));
  }

  /** {@code http://host:port}, or {@code https://} when it serves TLS; the host as bound. */
  public String url() {
    return server.url();
  }

  /** The port it listens on, the one picked when configured with 0. */
  public int port() {
    return server.port();
  }

  /** This instance's random id; a restarted or replacing relay has another. */
  public String epoch() {
    return server.epoch();
  }

  /** The last id assigned; below the first id this relay will assign before any event. */
  public long lastId() {
    return server.lastId();
  }

  /**
   * Shuts down gracefully: takes no new connection nor event, lets every subscriber have what was
   * queued for it (at most 3 s), closes WebSockets with 1001 (going away), then stops every
   * thread; idempotent.
   */
  @Override
  public void close() {
    server.close();
  }
}
