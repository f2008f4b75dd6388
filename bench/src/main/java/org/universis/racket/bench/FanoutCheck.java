package org.universis.racket.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The relay's footprint: its resident set when idle, then with {@code fanout} SSE subscribers
 * (held by one worker JVM) while {@value #EVENTS} events reach every one of them.
 */
final class FanoutCheck {

  static final int EVENTS = 200;
  static final long IDLE_SETTLE_NANOS = TimeUnit.SECONDS.toNanos(5);

  /** Sizes in KiB; counts of connections. */
  record Result(long idleKiB, long idleTunedKiB, int connections, int open, int errors, int complete, long events,
      int postFailures, long connectedKiB, long peakKiB) {}

  /** JVM options that keep an idle relay small (measured: see docs/PERFORMANCE.md). */
  static final List<String> LEAN_JVM = List.of("-XX:+UseSerialGC", "-Xms8m");

  static Result run(Config config) throws Exception {
    Path logs = config.logs().resolve("fanout");
    long tuned;
    Config lean = config.withRelayJvmArgs(LEAN_JVM);
    try (Server relay = Server.start(Transport.Kind.RACKET_SSE, lean, logs, "lean-server")) {
      LockSupport.parkNanos(IDLE_SETTLE_NANOS);
      tuned = relay.rssKiB()[0];
    }
    try (Server relay = Server.start(Transport.Kind.RACKET_SSE, config, logs, "server")) {
      LockSupport.parkNanos(IDLE_SETTLE_NANOS); // idle means started and left alone for a while
      long idle = relay.rssKiB()[0];
      try (Child worker = Child.worker("fanout", config.workerJvmArgs(),
          List.of("fanout", relay.url, Integer.toString(config.fanout())), logs)) {
        JsonNode ready = Tick.decodeTree(worker.await("READY", 120, TimeUnit.SECONDS));
        int failures = post(relay.url);
        worker.send("END " + EVENTS);
        JsonNode r = Tick.decodeTree(worker.await("RESULT", 120, TimeUnit.SECONDS));
        long[] rss = relay.rssKiB();
        return new Result(idle, tuned, r.get("connections").asInt(), ready.get("open").asInt(),
            r.get("errors").asInt(), r.get("complete").asInt(), r.get("events").asLong(), failures,
            rss[0], rss[1]);
      }
    }
  }

  /** Single POSTs at about 1,000 per second; returns how many were refused. */
  private static int post(String url) throws InterruptedException {
    HttpClient http = SseTransport.client();
    URI events = URI.create(url + "/events");
    int failures = 0;
    for (int i = 0; i < EVENTS; i++) {
      byte[] tick = Tick.stamp(Tick.MEASURED_FIRST, i).toJson();
      HttpRequest request = HttpRequest.newBuilder(events).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofByteArray(tick)).build();
      try {
        if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() != 202) failures++;
      } catch (java.io.IOException e) {
        failures++;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
    return failures;
  }
}
