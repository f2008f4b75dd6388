package org.universis.racket.junit;

import org.universis.racket.ProcessEventEmitter;
import org.universis.racket.RacketOptions;
import org.universis.racket.relay.server.Relay;
import org.universis.racket.relay.server.RelayConfig;

/** The embedded relay of a test: on a free loopback port, on daemon threads, closed after it. */
public final class TestRelay implements AutoCloseable {

  private final Relay relay;

  private TestRelay(Relay relay) {
    this.relay = relay;
  }

  static TestRelay start() {
    return new TestRelay(Relay.start(
        RelayConfig.builder().host("127.0.0.1").port(0).daemonThreads(true).build()));
  }

  /** The url emitters use, {@code http://127.0.0.1:<port>}. */
  public String url() {
    return "http://127.0.0.1:" + relay.port();
  }

  public int port() {
    return relay.port();
  }

  /**
   * A new emitter connected to this relay and only to it ({@code client} mode: never hosts); the
   * caller closes it.
   */
  public ProcessEventEmitter newEmitter() {
    return new ProcessEventEmitter(RacketOptions.builder()
        .url(url()).mode(RacketOptions.Mode.CLIENT).token(null).build());
  }

  /** Stops the relay and every thread it started. */
  @Override
  public void close() {
    relay.close();
  }

  @Override
  public String toString() {
    return "TestRelay[" + url() + "]";
  }
}
