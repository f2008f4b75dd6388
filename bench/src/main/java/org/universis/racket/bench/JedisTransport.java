package org.universis.racket.bench;

import java.net.URI;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.BinaryJedisPubSub;
import redis.clients.jedis.Jedis;

/**
 * Redis pub/sub through Jedis, the low-latency reference: a synchronous {@code PUBLISH} per event
 * that waits for Redis's reply, in every phase; a subscriber thread blocked on its socket. It
 * carries little flat out (one round trip per event), and its latency is what one event at a time
 * costs. A paced tick the loop reaches late is stamped when it was due ({@link Worker}), so a
 * stall shows in every tick it delayed.
 */
final class JedisTransport implements Transport {

  @Override
  public Sender sender(String url, Scenario.Phase phase, View view) {
    URI uri = URI.create(url);
    Jedis jedis = new Jedis(uri.getHost(), uri.getPort());
    boolean burst = phase == Scenario.Phase.BURST;
    return new Sender() {
      private long failed;

      @Override
      public void send(Tick tick) {
        try {
          jedis.publish(LettuceTransport.CHANNEL, view.payload(tick));
        } catch (RuntimeException e) {
          if (!burst) throw e;
          failed++;
        }
      }

      @Override
      public long failed() {
        return failed;
      }

      @Override
      public void drain() {} // every publish has its reply when it returns

      @Override
      public void close() {
        jedis.close();
      }
    };
  }

  @Override
  public AutoCloseable subscribe(String url, View view, Tick.TickSink sink) throws Exception {
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
        view.read(message, sink);
      }
    };
    Thread reader = new Thread(() -> jedis.subscribe(pubSub, LettuceTransport.CHANNEL), "bench-jedis-sub");
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
}
