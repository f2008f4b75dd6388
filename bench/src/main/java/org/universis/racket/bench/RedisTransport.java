package org.universis.racket.bench;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.BinaryJedisPubSub;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/**
 * Redis pub/sub. Subscribers: Jedis, a thread blocked on the socket. Throughput: Jedis's PUBLISH
 * pipelined, synced every {@value #PIPELINE} commands (its way of not waiting for each reply).
 * Latency: Lettuce's asynchronous PUBLISH (Spring Data Redis's default client), one per event,
 * which does not wait for the reply, as racket's and NATS's clients do not. Jedis's
 * {@code publish} waits, so the ticks due while Redis stalled left after the stall, late by as
 * much as the stall (the paced sender stamps them when they were due, see {@link Worker}), and a
 * synchronous publisher could not keep 10,000 events/s on time on two cores.
 */
final class RedisTransport implements Transport {

  static final int PIPELINE = 256;
  /** Lettuce queues without bound: this bounds the replies awaited, as racket's window does. */
  private static final int IN_FLIGHT = RacketWsTransport.IN_FLIGHT;
  private static final byte[] CHANNEL = Tick.TYPE.getBytes(StandardCharsets.UTF_8);

  @Override
  public Sender sender(String url, boolean latency) {
    URI uri = URI.create(url);
    if (latency) return new Async(uri);
    return new Pipelined(new Jedis(uri.getHost(), uri.getPort()));
  }

  @Override
  public AutoCloseable subscribe(String url, Tick.TickSink sink) throws Exception {
    URI uri = URI.create(url);
    Jedis jedis = new Jedis(uri.getHost(), uri.getPort(), 0);
    CountDownLatch subscribed = new CountDownLatch(1);
    BinaryJedisPubSub pubSub = new BinaryJedisPubSub() {
      @Override
      public void onSubscribe(byte[] channel, int count) {
        subscribed.countDown();
      }

      @Override
      public void onMessage(byte[] channel, byte[] message) {
        Tick.decode(message, sink);
      }
    };
    Thread reader = new Thread(() -> jedis.subscribe(pubSub, CHANNEL), "bench-redis-sub");
    reader.setDaemon(true);
    reader.start();
    if (!subscribed.await(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("redis did not confirm SUBSCRIBE within 30 s at " + url);
    }
    return () -> {
      pubSub.unsubscribe();
      reader.join(5_000);
      jedis.close();
    };
  }

  private static final class Async implements Sender {
    private final RedisClient client;
    private final StatefulRedisConnection<byte[], byte[]> connection;
    private final RedisAsyncCommands<byte[], byte[]> commands;
    private final Window window = new Window(IN_FLIGHT);

    Async(URI uri) {
      client = RedisClient.create(RedisURI.create(uri.getHost(), uri.getPort()));
      connection = client.connect(ByteArrayCodec.INSTANCE);
      commands = connection.async();
    }

    @Override
    public void send(Tick tick) throws InterruptedException {
      window.acquire();
      commands.publish(CHANNEL, tick.toJson()).whenComplete((receivers, error) -> window.release(error));
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
  }

  private static final class Pipelined implements Sender {
    private final Jedis jedis;
    private final Pipeline pipeline;
    private int pending;

    Pipelined(Jedis jedis) {
      this.jedis = jedis;
      this.pipeline = jedis.pipelined();
    }

    @Override
    public void send(Tick tick) {
      pipeline.publish(CHANNEL, tick.toJson());
      if (++pending == PIPELINE) drain();
    }

    @Override
    public void drain() {
      pipeline.sync();
      pending = 0;
    }

    @Override
    public void close() {
      pipeline.close();
      jedis.close();
    }
  }
}
