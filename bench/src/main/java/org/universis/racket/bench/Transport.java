package org.universis.racket.bench;

import java.util.Locale;

/**
 * One system under test, seen from a client process: how its users publish and subscribe.
 * Implementations live next to this interface, one per system.
 */
interface Transport {

  /**
   * Opens a publisher of payloads in {@code view}. {@code phase} tells whether the caller paces its
   * sends (then each send should leave at once, or at the {@link Sender#flush} that follows), sends
   * as fast as it can with a bounded number in flight (then the client may batch as it allows), or
   * bursts: calls the client in a tight loop and never waits for an answer, as a plain user's loop
   * would; a send the client refuses then counts as a failed emit, and is not retried.
   */
  Sender sender(String url, Scenario.Phase phase, View view) throws Exception;

  /**
   * Subscribes to the benchmark's events, read in {@code view}; returns once the system has
   * registered the subscription as far as its client can tell.
   */
  AutoCloseable subscribe(String url, View view, Tick.TickSink sink) throws Exception;

  /** Publishes ticks. */
  interface Sender extends AutoCloseable {
    void send(Tick tick) throws Exception;

    /** Sends the client refused or failed so far (counted in a burst; elsewhere a failure throws). */
    default long failed() {
      return 0;
    }

    /**
     * Called by a paced caller when no other tick is due yet: a client that holds ticks back to
     * send them together (only the NDJSON stream) sends them now. Flat out, nobody calls it.
     */
    default void flush() throws Exception {}

    /** Waits until the system has accepted everything sent so far. */
    void drain() throws Exception;
  }

  /** The systems, by the names the command line and the table use. */
  enum Kind {
    RACKET_WS("racket-ws", "racket, JVM client over WebSocket"),
    RACKET_BACKPLANE("racket-backplane", "racket, JVM clients over WebSocket: emits at one relay, subscribers"
        + " at another, the two joined through one redis-server (--backplane)"),
    RACKET_SSE("racket-sse", "racket, POST /events in, SSE out (one event per POST)"),
    RACKET_SSE_BATCH("racket-sse-batch", "racket, POST /events batches of 64 in, SSE out"),
    RACKET_SSE_RAW("racket-sse-raw", "racket, as racket-sse through a minimal HTTP/1.1 client"),
    RACKET_SSE_STREAM("racket-sse-stream", "racket, one POST /events of NDJSON lines in, SSE out"),
    REDIS_LETTUCE("redis-lettuce", "Redis pub/sub through Lettuce (asynchronous PUBLISH, a pub/sub listener)"),
    REDIS_JEDIS("redis-jedis", "Redis pub/sub through Jedis (synchronous PUBLISH, a subscriber thread)"),
    NATS("nats", "NATS core (jnats)");

    final String label;
    final String description;

    Kind(String label, String description) {
      this.label = label;
      this.description = description;
    }

    boolean isRacket() {
      return label.startsWith("racket");
    }

    boolean isRedis() {
      return this == REDIS_LETTUCE || this == REDIS_JEDIS;
    }

    /**
     * Whether the burst phase runs: for clients a loop calls directly. The POSTs of racket-sse,
     * -batch and -raw are a pool of requests in flight, which a loop with no window has no
     * meaning for.
     */
    boolean bursts() {
      return this == RACKET_WS || this == RACKET_SSE_STREAM || isRedis() || this == NATS;
    }

    /** Batched POSTs only make sense for throughput: a batch waits to fill up. */
    boolean measuresLatency() {
      return this != RACKET_SSE_BATCH;
    }

    Transport transport() {
      return switch (this) {
        case RACKET_WS, RACKET_BACKPLANE -> new RacketWsTransport();
        case RACKET_SSE -> new SseTransport(1);
        case RACKET_SSE_BATCH -> new SseTransport(64);
        case RACKET_SSE_RAW -> new RawHttpTransport();
        case RACKET_SSE_STREAM -> new LineStreamTransport();
        case REDIS_LETTUCE -> new LettuceTransport();
        case REDIS_JEDIS -> new JedisTransport();
        case NATS -> new NatsTransport();
      };
    }

    static Kind of(String label) {
      for (Kind k : values()) {
        if (k.label.equals(label.trim().toLowerCase(Locale.ROOT))) return k;
      }
      throw new IllegalArgumentException("unknown system '" + label + "'; known: racket-ws,"
          + " racket-backplane, racket-sse, racket-sse-batch, racket-sse-raw, racket-sse-stream, redis-lettuce, redis-jedis, nats");
    }
  }
}
