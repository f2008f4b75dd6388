package org.universis.racket.bench;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.BinaryJedisPubSub;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/**
 * Redis pub/sub through Jedis. Throughput: PUBLISH pipelined, synced every {@value #PIPELINE}
 * commands (Jedis's way of not waiting for each reply). Latency: one PUBLISH per event.
 */
final class RedisTransport implements Transport {

  static final int PIPELINE = 256;
  private static final byte[] CHANNEL = Tick.TYPE.getBytes(StandardCharsets.UTF_8);

  @Override
  public Sender sender(String url, boolean latency) {
    URI uri = URI.create(url);
    Jedis jedis = new Jedis(uri.getHost(), uri.getPort());
    return latency ? new Single(jedis) : new Pipelined(jedis);
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

  private static final class Single implements Sender {
    private final Jedis jedis;

    Single(Jedis jedis) {
      this.jedis = jedis;
    }

    @Override
    public void send(Tick tick) {
      jedis.publish(CHANNEL, tick.toJson());
    }

    @Override
    public void drain() {}

    @Override
    public void close() {
      jedis.close();
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
