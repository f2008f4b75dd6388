package org.universis.racket.bench;

import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * The worker side of the many-subscribers check: holds {@code connections} SSE streams open on
 * one relay (through one HttpClient, so one selector thread, not a thread per stream), counts
 * the events each one receives and every error.
 */
final class Fanout {

  private final String url;
  private final int connections;
  private final AtomicLongArray received;
  private final AtomicInteger errors = new AtomicInteger();
  private volatile boolean closing;
  private volatile long lastActivity = System.nanoTime();

  Fanout(String url, int connections) {
    this.url = url;
    this.connections = connections;
    this.received = new AtomicLongArray(connections);
  }

  void run(Worker worker) throws Exception {
    HttpClient http = SseTransport.client();
    List<SseTransport.Stream> streams = new ArrayList<>(connections);
    for (int i = 0; i < connections; i++) streams.add(SseTransport.open(http, url, sink(i)));
    int open = 0;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    for (SseTransport.Stream s : streams) {
      try {
        long left = Math.max(1, deadline - System.nanoTime());
        if (s.status().get(left, TimeUnit.NANOSECONDS) == 200) open++;
      } catch (Exception e) {
        errors.incrementAndGet();
      }
    }
    Worker.say("READY {\"open\":" + open + "}");
    long expected = worker.awaitEnd();
    long end = System.nanoTime() + Worker.END_LIMIT_NANOS;
    while (complete(expected) < connections && System.nanoTime() < end
        && System.nanoTime() - lastActivity < Worker.QUIET_NANOS) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
    long total = 0;
    for (int i = 0; i < connections; i++) total += received.get(i);
    Worker.say("RESULT {\"connections\":" + connections + ",\"open\":" + open + ",\"errors\":"
        + errors.get() + ",\"complete\":" + complete(expected) + ",\"events\":" + total + "}");
    closing = true;
    streams.forEach(SseTransport.Stream::close);
  }

  private int complete(long expected) {
    int n = 0;
    for (int i = 0; i < connections; i++) if (received.get(i) >= expected) n++;
    return n;
  }

  private SseTransport.Stream.DataSink sink(int i) {
    return new SseTransport.Stream.DataSink() {
      @Override
      public void data(String event, String data) {
        received.incrementAndGet(i);
        lastActivity = System.nanoTime();
      }

      @Override
      public void failed(Throwable error) {
        if (!closing) errors.incrementAndGet();
      }
    };
  }
}
