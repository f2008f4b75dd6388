package org.universis.racket.backplane.redis;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.universis.racket.spi.Backplane;

/**
 * Appends what the relay emits, in order, one batch at a time, on a thread of its own. While
 * Redis is away it holds emits, up to the bound, and sends them when Redis returns; a batch sent
 * again after a lost reply is recognised by its number and not added twice.
 */
final class Appender implements Runnable {

  private static final int MAX_BATCH_EVENTS = 1000;
  private static final long MAX_BATCH_BYTES = 4L << 20;
  private static final long MAX_BACKOFF_MILLIS = 1000;

  private record Pending(List<byte[]> entries, long bytes, CompletableFuture<long[]> done) {}

  private final RedisBackplane backplane;
  private final Backplane.Settings settings;
  private final Backplane.Receiver receiver;
  private final byte[] writerKey;
  private final ArrayDeque<Pending> held = new ArrayDeque<>();
  private int heldEvents;
  private long heldBytes;
  private long batchNumber;
  /** Whether the last attempt failed: Redis away until an append goes through. */
  private volatile boolean down;

  Appender(RedisBackplane backplane, Backplane.Settings settings, Backplane.Receiver receiver) {
    this.backplane = backplane;
    this.settings = settings;
    this.receiver = receiver;
    this.writerKey = (RedisBackplane.WRITER + Long.toHexString(new java.security.SecureRandom().nextLong()))
        .getBytes(StandardCharsets.US_ASCII);
  }

  CompletableFuture<long[]> append(List<byte[]> entries) {
    long bytes = 0;
    for (byte[] e : entries) bytes += e.length;
    CompletableFuture<long[]> done = new CompletableFuture<>();
    synchronized (held) {
      if (backplane.closed()) {
        done.completeExceptionally(new IllegalStateException("the relay is closing"));
      } else if (heldEvents + entries.size() > settings.holdEvents()
          || heldBytes + bytes > settings.holdBytes()) {
        done.completeExceptionally(new IllegalStateException("the backplane " + backplane.name()
            + (down ? " is unreachable" : " is slow") + ": " + heldEvents + " events ("
            + heldBytes + " bytes) wait for it, the bound (backplane-hold)"));
      } else {
        held.add(new Pending(List.copyOf(entries), bytes, done));
        heldEvents += entries.size();
        heldBytes += bytes;
        held.notifyAll();
      }
    }
    return done;
  }

  int heldEvents() {
    synchronized (held) {
      return heldEvents;
    }
  }

  boolean connected() {
    return !down;
  }

  void close() {
    synchronized (held) {
      held.notifyAll();
    }
  }

  @Override
  public void run() {
    StatefulRedisConnection<byte[], byte[]> connection = null;
    long backoff = 50;
    List<Pending> batch = null;
    while (!backplane.closed()) {
      if (batch == null) {
        batch = next();
        if (batch == null) continue;
        batchNumber++;
      }
      try {
        if (connection == null) connection = backplane.connect();
        List<?> ids = connection.sync().eval(RedisBackplane.APPEND, ScriptOutputType.MULTI, keys(), args(batch));
        complete(batch, ids);
        batch = null;
        backoff = 50;
        if (down) receiver.info("backplane " + backplane.name() + ": appending again");
        down = false;
      } catch (RedisException e) {
        if (!passes(e)) {
          refuse(batch, e);
          batch = null;
          continue;
        }
        if (!down) {
          receiver.warn("backplane " + backplane.name() + " unreachable (" + RedisBackplane.reason(e)
              + "); holding emits, up to backplane-hold, until it returns");
        }
        down = true;
        backplane.pause(backoff);
        backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
      } catch (RuntimeException e) {
        refuse(batch, e);
        batch = null;
      }
    }
    failHeld();
    if (connection != null) connection.closeAsync();
  }

  // The next pendings to append, whole, up to the batch's bounds (at least one); null when closed.
  private List<Pending> next() {
    synchronized (held) {
      while (held.isEmpty() && !backplane.closed()) {
        try {
          held.wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return null;
        }
      }
      List<Pending> batch = new ArrayList<>();
      int events = 0;
      long bytes = 0;
      for (Pending p : held) {
        if (!batch.isEmpty() && (events + p.entries.size() > MAX_BATCH_EVENTS
            || bytes + p.bytes > MAX_BATCH_BYTES)) break;
        batch.add(p);
        events += p.entries.size();
        bytes += p.bytes;
      }
      return batch.isEmpty() ? null : batch;
    }
  }

  private byte[][] keys() {
    return new byte[][] {RedisBackplane.STREAM, RedisBackplane.LAST, writerKey};
  }

  private byte[][] args(List<Pending> batch) {
    List<byte[]> args = new ArrayList<>();
    args.add(ascii(Integer.toString(Math.max(1, settings.tail()))));
    args.add(ascii(Long.toString(batchNumber)));
    for (Pending p : batch) args.addAll(p.entries);
    return args.toArray(new byte[0][]);
  }

  private void complete(List<Pending> batch, List<?> ids) {
    long[][] each = new long[batch.size()][];
    int i = 0;
    for (int k = 0; k < each.length; k++) { // all read before any completes: a bad id fails them all
      each[k] = new long[batch.get(k).entries.size()];
      for (int j = 0; j < each[k].length; j++) {
        each[k][j] = StreamIds.racketId(new String((byte[]) ids.get(i++), StandardCharsets.US_ASCII));
      }
    }
    for (int k = 0; k < each.length; k++) {
      Pending p = batch.get(k);
      synchronized (held) {
        held.remove();
        heldEvents -= each[k].length;
        heldBytes -= p.bytes;
      }
      p.done.complete(each[k]);
    }
  }

  /** Whether a failure is Redis away or busy, which passes: anything else a retry would repeat. */
  static boolean passes(RedisException e) {
    if (!(e instanceof RedisCommandExecutionException)) return true; // connection, timeout
    String m = String.valueOf(e.getMessage());
    return m.startsWith("LOADING") || m.startsWith("BUSY") || m.startsWith("TRYAGAIN")
        || m.startsWith("MASTERDOWN") || m.startsWith("READONLY");
  }

  // An answer no retry changes: the batch fails, the ones after it go on.
  private void refuse(List<Pending> batch, RuntimeException e) {
    receiver.warn("backplane " + backplane.name() + " refused a batch: " + e);
    fail(batch, new IllegalStateException("the backplane " + backplane.name()
        + " refused the events: " + e.getMessage(), e));
  }

  private void fail(List<Pending> batch, IllegalStateException failure) {
    for (Pending p : batch) {
      synchronized (held) {
        held.remove();
        heldEvents -= p.entries.size();
        heldBytes -= p.bytes;
      }
      p.done.completeExceptionally(failure);
    }
  }

  private void failHeld() {
    synchronized (held) {
      for (Pending p : held) p.done.completeExceptionally(new IllegalStateException("the relay is closing"));
      held.clear();
      heldEvents = 0;
      heldBytes = 0;
    }
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
