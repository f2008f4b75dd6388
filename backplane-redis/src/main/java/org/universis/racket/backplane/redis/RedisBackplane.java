package org.universis.racket.backplane.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.universis.racket.spi.Backplane;

/**
 * Relays joined through one Redis stream, {@code racket:events}: each appends its emits with
 * {@link #APPEND} (one script per batch: one order, ids racket can use, no duplicate when a reply
 * was lost and the batch is sent again) and follows the stream with a blocking {@code XREAD}.
 */
final class RedisBackplane implements Backplane {

  static final byte[] STREAM = "racket:events".getBytes(StandardCharsets.US_ASCII);
  /** The stream's last id and count, so the script need not read an entry to find them. */
  static final byte[] LAST = "racket:events:last".getBytes(StandardCharsets.US_ASCII);
  /** Per writer (a relay's run), its last batch's number and ids, for a batch sent again. */
  static final String WRITER = "racket:events:writer:";
  /** An entry's fields: its place in the count of all entries, and the relay's bytes. */
  static final byte[] COUNT = {'s'};
  static final byte[] ENTRY = {'e'};
  static final Duration TIMEOUT = Duration.ofSeconds(5);

  /**
   * KEYS: the stream, its last id and count, the writer's key; ARGV: the stream's length bound,
   * the batch's number, its entries. Returns the batch's ids, the same ones when the batch was
   * added before. Ids are the millisecond of Redis's clock and n, below 1024: past that, the next
   * millisecond. Each entry also gets its place in the count of all entries ever appended (field
   * {@code s}), so a reader sees a gap as a jump in it.
   */
  static final String APPEND = """
      local done = redis.call('GET', KEYS[3])
      if done then
        local batch, ids = string.match(done, '^(%d+) (.*)$')
        if batch == ARGV[2] then
          local out = {}
          for id in string.gmatch(ids, '%S+') do out[#out + 1] = id end
          return out
        end
      end
      local last = redis.call('GET', KEYS[2])
      if not last then
        local top = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
        last = '0-0 0'
        if top[1] then
          local s = 0
          for i = 1, #top[1][2], 2 do
            if top[1][2][i] == 's' then s = top[1][2][i + 1] end
          end
          last = top[1][1] .. ' ' .. s
        end
      end
      local ms, n, s = string.match(last, '^(%d+)-(%d+) (%d+)$')
      ms, n, s = tonumber(ms), tonumber(n), tonumber(s)
      local t = redis.call('TIME')
      local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
      local out = {}
      for i = 3, #ARGV do
        if now > ms then ms, n = now, 0
        elseif n < 1023 then n = n + 1
        else ms, n = ms + 1, 0 end
        s = s + 1
        local id = string.format('%.0f-%d', ms, n)
        redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], id, 's', string.format('%.0f', s), 'e', ARGV[i])
        out[#out + 1] = id
      end
      redis.call('SET', KEYS[2], out[#out] .. ' ' .. string.format('%.0f', s))
      redis.call('SET', KEYS[3], ARGV[2] .. ' ' .. table.concat(out, ' '), 'EX', 86400)
      return out
      """;

  private final String name;
  private final RedisClient client;
  private final Appender appender;
  private final Follower follower;
  private final CountDownLatch closing = new CountDownLatch(1);
  private final Thread appending;
  private final Thread following;

  RedisBackplane(URI uri, Settings settings, Receiver receiver) {
    RedisURI redis = redisUri(uri);
    this.name = (redis.isSsl() ? "rediss://" : "redis://") + redis.getHost() + ":" + redis.getPort()
        + "/" + redis.getDatabase(); // never the password
    this.client = RedisClient.create(redis);
    client.setOptions(ClientOptions.builder()
        .autoReconnect(true)
        // While Redis is away, commands fail at once: the appender holds and retries them itself.
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .socketOptions(SocketOptions.builder().connectTimeout(TIMEOUT).build())
        .timeoutOptions(TimeoutOptions.enabled(TIMEOUT))
        .build());
    this.appender = new Appender(this, settings, receiver);
    this.follower = new Follower(this, settings.tail(), receiver);
    this.appending = thread(appender, "racket-backplane-append");
    this.following = thread(follower, "racket-backplane-follow");
  }

  static RedisURI redisUri(URI uri) {
    try {
      RedisURI redis = RedisURI.create(uri);
      redis.setTimeout(TIMEOUT);
      return redis;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("backplane must be redis://[user:password@]host[:port][/db]"
          + " or rediss://…: " + e.getMessage());
    }
  }

  /** What went wrong, with its first cause (a refused password, a refused connection). */
  static String reason(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) root = root.getCause();
    return root == e ? String.valueOf(e.getMessage()) : e.getMessage() + ": " + root.getMessage();
  }

  /** The backplane's address without credentials, for logs. */
  String name() {
    return name;
  }

  StatefulRedisConnection<byte[], byte[]> connect() {
    return client.connect(ByteArrayCodec.INSTANCE);
  }

  /** Waits up to {@code millis} before a retry; false once closed. */
  boolean pause(long millis) {
    try {
      return !closing.await(millis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  boolean closed() {
    return closing.getCount() == 0;
  }

  @Override
  public void start(long waitMillis) {
    appending.start();
    following.start();
    follower.awaitTail(waitMillis);
  }

  @Override
  public CompletableFuture<long[]> append(List<byte[]> entries) {
    return appender.append(entries);
  }

  @Override
  public Status status() {
    return new Status(appender.connected() && follower.connected(), appender.heldEvents(),
        follower.lagMillis(), follower.lastId());
  }

  @Override
  public void close() {
    if (closed()) return;
    closing.countDown();
    appender.close();
    join(appending);
    // Closing the connections ends the follower's blocking read now, not after its BLOCK time.
    client.shutdown(Duration.ZERO, TIMEOUT);
    join(following);
  }

  private static void join(Thread t) {
    try {
      t.join(TIMEOUT.toMillis() + 1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Thread thread(Runnable task, String name) {
    Thread t = new Thread(task, name);
    t.setDaemon(true);
    return t;
  }
}
