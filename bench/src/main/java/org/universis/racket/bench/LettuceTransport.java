package org.universis.racket.bench;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Redis pub/sub through Lettuce (Spring Data Redis's default client), at its defaults: an
 * asynchronous {@code PUBLISH} per event that does not wait for its reply, as racket's and NATS's
 * clients do not, at most {@link RacketWsTransport#IN_FLIGHT} awaited (Lettuce queues without
 * bound; none in a burst); subscribers get messages on Lettuce's event loop through a listener.
 */
final class LettuceTransport implements Transport {

  static final byte[] CHANNEL = Tick.TYPE.getBytes(StandardCharsets.UTF_8);

  @Override
  public Sender sender(String url, Scenario.Phase phase, View view) {
    RedisClient client = client(url);
    StatefulRedisConnection<byte[], byte[]> connection = client.connect(ByteArrayCodec.INSTANCE);
    RedisAsyncCommands<byte[], byte[]> commands = connection.async();
    Window window = Window.forPhase(phase, RacketWsTransport.IN_FLIGHT);
    return new Sender() {
      @Override
      public void send(Tick tick) throws InterruptedException {
        window.acquire();
        commands.publish(CHANNEL, view.payload(tick)).whenComplete((receivers, error) -> window.release(error));
      }

      @Override
      public long failed() {
        return window.failed();
      }

      @Override
      public void drain() throws InterruptedException {
        window.drain();
      }

      @Override
      public void close() {
        connection.close();
        client.shutdown(0, 2, TimeUnit.SECONDS);
      }
    };
  }

  @Override
  public AutoCloseable subscribe(String url, View view, Tick.TickSink sink) {
    RedisClient client = client(url);
    StatefulRedisPubSubConnection<byte[], byte[]> connection = client.connectPubSub(ByteArrayCodec.INSTANCE);
    connection.addListener(new RedisPubSubAdapter<>() {
      @Override
      public void message(byte[] channel, byte[] message) {
        view.read(message, sink);
      }
    });
    connection.sync().subscribe(CHANNEL); // returns once Redis confirmed the SUBSCRIBE
    return () -> {
      connection.close();
      client.shutdown(0, 2, TimeUnit.SECONDS);
    };
  }

  private static RedisClient client(String url) {
    URI uri = URI.create(url);
    return RedisClient.create(RedisURI.create(uri.getHost(), uri.getPort()));
  }
}
