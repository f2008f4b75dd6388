package org.universis.racket.bench;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.time.Duration;

/**
 * NATS core through jnats at its defaults: {@code publish} hands the message to the client's
 * writer thread (which batches by itself); subscribers use a {@link Dispatcher}, the usual
 * asynchronous way.
 */
final class NatsTransport implements Transport {

  @Override
  public Sender sender(String url, Scenario.Phase phase, View view) throws Exception {
    Connection nc = connect(url);
    boolean burst = phase == Scenario.Phase.BURST;
    return new Sender() {
      private long failed;

      @Override
      public void send(Tick tick) throws InterruptedException {
        byte[] payload = view.payload(tick);
        // jnats refuses a publish while its outgoing queue is full: its back-pressure, which a
        // measured phase waits out and a burst counts as a failed emit.
        for (int tries = 0; ; tries++) {
          try {
            nc.publish(Tick.TYPE, payload);
            return;
          } catch (IllegalStateException full) {
            if (burst) {
              failed++;
              return;
            }
            if (tries > 100_000) throw full;
            Thread.sleep(0, 50_000);
          }
        }
      }

      @Override
      public long failed() {
        return failed;
      }

      @Override
      public void drain() throws Exception {
        nc.flush(Duration.ofSeconds(30));
      }

      @Override
      public void close() throws InterruptedException {
        nc.close();
      }
    };
  }

  @Override
  public AutoCloseable subscribe(String url, View view, Tick.TickSink sink) throws Exception {
    Connection nc = connect(url);
    Dispatcher dispatcher = nc.createDispatcher(msg -> view.read(msg.getData(), sink));
    dispatcher.subscribe(Tick.TYPE);
    nc.flush(Duration.ofSeconds(30)); // the server has the SUB once it answered the PING
    return nc::close;
  }

  private static Connection connect(String url) throws Exception {
    String nats = url.replaceFirst("^http", "nats");
    return Nats.connect(new Options.Builder().server(nats).connectionName("racket-bench")
        .maxReconnects(0).build());
  }
}
