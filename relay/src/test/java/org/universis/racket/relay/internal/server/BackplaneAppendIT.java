package org.universis.racket.relay.internal.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.universis.racket.spi.Backplane;

/** The Redis backplane's ids, through its provider, against a real redis-server. */
class BackplaneAppendIT {

  @Test
  void moreThan1024AppendsInOneMillisecondTakeTheNextAndComeBackInOrderWithTheirIds() throws Exception {
    List<Long> delivered = new ArrayList<>();
    Backplane.Receiver receiver = new Backplane.Receiver() {
      @Override public synchronized void deliver(long id, byte[] entry) { delivered.add(id); }
      @Override public void gap(long afterId, long toId) { throw new AssertionError("gap"); }
      @Override public void warn(String message) {}
      @Override public void info(String message) {}
    };
    try (RedisServer redis = RedisServer.memory();
        Backplane backplane = Backplanes.provider(redis.url(), getClass().getClassLoader())
            .open(Backplanes.uri(redis.url()), new Backplane.Settings(10_000, 10_000, 1 << 24), receiver)) {
      backplane.start(5000);
      List<byte[]> entries = new ArrayList<>();
      for (int i = 0; i < 3000; i++) entries.add(("e" + i).getBytes(StandardCharsets.US_ASCII));
      long[] ids = backplane.append(entries).get(20, TimeUnit.SECONDS); // one script: one millisecond
      for (int i = 1; i < ids.length; i++) {
        assertTrue(ids[i] > ids[i - 1], "ids rise: " + ids[i - 1] + ", " + ids[i]);
      }
      assertTrue(ids[ids.length - 1] / 1024 - ids[0] / 1024 >= 2, "3000 ids take at least three milliseconds");
      Await.until(() -> {
        synchronized (receiver) {
          return delivered.size() == ids.length;
        }
      }, 20, "all delivered");
      synchronized (receiver) {
        assertArrayEquals(ids, delivered.stream().mapToLong(Long::longValue).toArray());
      }
      assertEquals(ids[ids.length - 1], backplane.status().lastId());
    }
  }
}
