package org.universis.racket.backplane.redis;

import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.universis.racket.spi.Backplane;

/**
 * Reads the stream on a thread of its own and delivers each entry, in order, once: first the
 * latest {@code tail} entries, then everything after them as it is appended. After an outage it
 * goes on after the last entry it delivered; entries trimmed before it read them (the stream's
 * count of entries jumps) are reported as a gap.
 */
final class Follower implements Runnable {

  private static final int BLOCK_MILLIS = 1000;
  private static final int READ_COUNT = 1000;
  private static final long MAX_BACKOFF_MILLIS = 1000;

  private final RedisBackplane backplane;
  private final int tail;
  private final Backplane.Receiver receiver;
  private final CountDownLatch tailRead = new CountDownLatch(1);
  /** The last stream id delivered, or null before the tail is read. */
  private String after;
  private volatile long lastId = -1;
  /** The place of the last entry delivered in the count of all entries ever appended, or -1. */
  private long lastCount = -1;
  private volatile long lagMillis;
  private volatile boolean connected;

  Follower(RedisBackplane backplane, int tail, Backplane.Receiver receiver) {
    this.backplane = backplane;
    this.tail = tail;
    this.receiver = receiver;
  }

  void awaitTail(long millis) {
    try {
      if (!tailRead.await(millis, TimeUnit.MILLISECONDS)) {
        receiver.warn("backplane " + backplane.name() + " unreachable at start; the relay starts"
            + " without its history and reads it when Redis answers");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  boolean connected() {
    return connected;
  }

  long lastId() {
    return lastId;
  }

  /** How long the last entry delivered took from its append to its delivery here. */
  long lagMillis() {
    return lagMillis;
  }

  @Override
  public void run() {
    StatefulRedisConnection<byte[], byte[]> connection = null;
    long backoff = 50;
    while (!backplane.closed()) {
      try {
        if (connection == null) connection = backplane.connect();
        RedisCommands<byte[], byte[]> redis = connection.sync();
        if (after == null) readTail(redis);
        if (!connected) receiver.info("backplane " + backplane.name() + ": following");
        connected = true;
        backoff = 50;
        List<StreamMessage<byte[], byte[]>> read = redis.xread(
            XReadArgs.Builder.block(BLOCK_MILLIS).count(READ_COUNT),
            XReadArgs.StreamOffset.from(RedisBackplane.STREAM, after));
        for (StreamMessage<byte[], byte[]> m : read) deliver(m);
      } catch (RuntimeException e) {
        if (backplane.closed()) break; // its connection closed under it
        if (connected || backoff == 50) {
          receiver.warn("backplane " + backplane.name() + " unreachable (" + RedisBackplane.reason(e) + ")");
        }
        connected = false;
        backplane.pause(backoff);
        backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
      }
    }
    if (connection != null) connection.closeAsync();
  }

  private void readTail(RedisCommands<byte[], byte[]> redis) {
    List<StreamMessage<byte[], byte[]>> latest = redis.xrevrange(RedisBackplane.STREAM,
        Range.unbounded(), Limit.from(Math.max(1, tail)));
    after = "0-0";
    for (int i = latest.size() - 1; i >= 0; i--) {
      if (tail > 0) deliver(latest.get(i));
      else after = latest.get(i).getId();
    }
    tailRead.countDown();
  }

  private void deliver(StreamMessage<byte[], byte[]> m) {
    after = m.getId();
    long id;
    try {
      id = StreamIds.racketId(m.getId());
    } catch (IllegalArgumentException e) { // another writer's entry
      receiver.warn("backplane " + backplane.name() + ": skipped entry " + m.getId() + ": " + e.getMessage());
      return;
    }
    if (id <= lastId) return; // a Redis that lost its data starts again lower: never twice
    long count = count(m);
    // Entries trimmed before this relay read them, or a Redis that lost its data: a jump.
    if (lastCount >= 0 && count != lastCount + 1) receiver.gap(lastId, id - 1);
    lastCount = count;
    byte[] entry = field(m, RedisBackplane.ENTRY);
    lagMillis = Math.max(0, System.currentTimeMillis() - StreamIds.millis(id));
    lastId = id;
    receiver.deliver(id, entry);
  }

  private static long count(StreamMessage<byte[], byte[]> m) {
    byte[] s = field(m, RedisBackplane.COUNT);
    return s == null ? -1 : Long.parseLong(new String(s, StandardCharsets.US_ASCII));
  }

  private static byte[] field(StreamMessage<byte[], byte[]> m, byte[] name) {
    for (Map.Entry<byte[], byte[]> f : m.getBody().entrySet()) {
      if (Arrays.equals(f.getKey(), name)) return f.getValue();
    }
    return null;
  }
}
