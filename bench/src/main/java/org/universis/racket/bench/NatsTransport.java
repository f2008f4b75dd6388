package org.universis.racket.bench;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.time.Duration;

/**
 * NATS core through jnats: {@code publish} hands the message to the client's writer thread (which
 * batches by itself); subscribers use a {@link Dispatcher}, the usual asynchronous way.
 */
final class NatsTransport implements Transport {

  @Override
  public Sender sender(String url, boolean latency) throws Exception {
    Connection nc = connect(url);
    return new Sender() {
      @Override
      public void send(Tick tick) throws InterruptedException {
        byte[] json = tick.toJson();
        // jnats refuses a publish while its outgoing queue is full; that is its back-pressure.
        for (int tries = 0; ; tries++) {
          try {
            nc.publish(Tick.TYPE, json);
            return;
          } catch (IllegalStateException full) {
            if (tries > 100_000) throw full;
            Thread.sleep(0, 50_000);
          }
        }
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
  public AutoCloseable subscribe(String url, Tick.TickSink sink) throws Exception {
    Connection nc = connect(url);
    Dispatcher dispatcher = nc.createDispatcher(msg -> Tick.decode(msg.getData(), sink));
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
