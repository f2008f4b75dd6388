package org.universis.racket.relay.server;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.universis.racket.relay.codec.LineRing;

/**
 * What a relay is started with: immutable, built with {@link #builder()}, checked once by
 * {@link Builder#build()} with messages that name the option to fix.
 */
public final class RelayConfig {

  /** What happens to a subscriber whose queue is full. */
  public enum Overflow {
    /** Drop its oldest queued events and send it a {@code racket.resync} notice. */
    DROP_OLDEST,
    /** Close its connection; it may reconnect and resume from its last id. */
    DISCONNECT
  }

  private final String host;
  private final int port;
  private final String token;
  private final int maxEventSize;
  private final int historySize;
  private final long historyBytes;
  private final int queueSize;
  private final long queueBytes;
  private final Overflow overflow;
  private final int maxConnections;
  private final int heartbeatSeconds;
  private final int ioThreads;
  private final boolean daemonThreads;
  private final Bounds bounds;

  /**
   * What one misbehaving client can hold (docs/SECURITY.md, "Misbehaving clients").
   *
   * @param maxBatch events one POST body or NDJSON line may carry
   * @param maxHeldBytes bytes of unfinished WebSocket messages held across all connections
   * @param readTimeoutSeconds the time a request's headers may take, a JSON body may take, and an
   *     NDJSON body may stay silent
   * @param maxConnectionsPerPeer SSE and WebSocket connections one address may hold
   */
  public record Bounds(int maxBatch, long maxHeldBytes, int readTimeoutSeconds,
      int maxConnectionsPerPeer) {}

  private RelayConfig(Builder b) {
    host = b.host;
    port = b.port;
    token = b.token == null || b.token.isEmpty() ? null : b.token;
    maxEventSize = b.maxEventSize;
    historySize = b.historySize;
    historyBytes = b.historyBytes;
    queueSize = b.queueSize;
    queueBytes = b.queueBytes;
    overflow = b.overflow;
    maxConnections = b.maxConnections;
    heartbeatSeconds = b.heartbeatSeconds;
    ioThreads = b.ioThreads;
    daemonThreads = b.daemonThreads;
    bounds = new Bounds(b.maxBatch, b.maxHeldBytes, b.readTimeoutSeconds, b.maxConnectionsPerPeer);
  }

  public static Builder builder() {
    return new Builder();
  }

  public String host() { return host; }
  public int port() { return port; }
  /** The token every request must carry, or {@code null} for none. */
  public String token() { return token; }
  public int maxEventSize() { return maxEventSize; }
  public int historySize() { return historySize; }
  public long historyBytes() { return historyBytes; }
  public int queueSize() { return queueSize; }
  public long queueBytes() { return queueBytes; }
  public Overflow overflow() { return overflow; }
  public int maxConnections() { return maxConnections; }
  public int heartbeatSeconds() { return heartbeatSeconds; }
  public int ioThreads() { return ioThreads; }
  public boolean daemonThreads() { return daemonThreads; }
  public Bounds bounds() { return bounds; }

  /** Builds a {@link RelayConfig}; every setting has a default. */
  public static final class Builder {
    private static final int MAX_IO_THREADS = 64;
    private String host = "127.0.0.1";
    private int port = 14440;
    private String token;
    private int maxEventSize = 1 << 20;
    private int historySize = 10_000;
    private long historyBytes = 32L << 20;
    private int queueSize = 10_000;
    private long queueBytes = 16L << 20;
    private Overflow overflow = Overflow.DROP_OLDEST;
    private int maxConnections = 1024;
    private int heartbeatSeconds = 15;
    private int ioThreads = defaultIoThreads();
    private boolean daemonThreads;
    private int maxBatch = 10_000;
    private long maxHeldBytes = 32L << 20;
    private int readTimeoutSeconds = 30;
    private int maxConnectionsPerPeer = 1024;

    private Builder() {}

    /** The address to bind; default {@code 127.0.0.1}. Anything but loopback needs a token. */
    public Builder host(String host) { this.host = host; return this; }
    /** The port; default 14440; 0 picks a free one (see {@link Relay#port()}). */
    public Builder port(int port) { this.port = port; return this; }
    /** The bearer token every request must carry; default none. */
    public Builder token(String token) { this.token = token; return this; }
    /** The largest request body or WebSocket message, in bytes; default 1 MiB. */
    public Builder maxEventSize(int bytes) { this.maxEventSize = bytes; return this; }
    /** How many events the replay history holds; default 10,000. */
    public Builder historySize(int events) { this.historySize = events; return this; }
    /** How many bytes of envelopes the replay history holds; default 32 MiB, at most 1 GiB. */
    public Builder historyBytes(long bytes) { this.historyBytes = bytes; return this; }
    /** How many events may wait for one subscriber; default 10,000. */
    public Builder queueSize(int events) { this.queueSize = events; return this; }
    /** How many bytes of events may wait for one subscriber; default 16 MiB. */
    public Builder queueBytes(long bytes) { this.queueBytes = bytes; return this; }
    /** What happens past a subscriber's queue bound; default {@link Overflow#DROP_OLDEST}. */
    public Builder overflow(Overflow overflow) { this.overflow = overflow; return this; }
    /** How many subscribers (SSE and WebSocket) may be connected at once; default 1024. */
    public Builder maxConnections(int connections) { this.maxConnections = connections; return this; }
    /**
     * Seconds between heartbeats on an idle stream, and the time a WebSocket has to say hello
     * before it is closed; default 15.
     */
    public Builder heartbeatSeconds(int seconds) { this.heartbeatSeconds = seconds; return this; }
    /**
     * How many threads read and write the relay's sockets; default half the cores, 1 to 4. One
     * thread per two cores leaves the rest to the processes the relay serves, which mostly share
     * its host; and every subscriber on another IO thread than its publisher costs a wake-up of that
     * thread per burst of events (on two cores, one thread carried a tenth more than two).
     */
    public Builder ioThreads(int threads) { this.ioThreads = threads; return this; }
    /** Whether the relay's threads are daemons, as an embedded relay's must be; default false. */
    public Builder daemonThreads(boolean daemon) { this.daemonThreads = daemon; return this; }
    /**
     * How many events one POST body or NDJSON line may carry; default 10,000, the default
     * queue-size: a larger batch would overflow every subscriber's queue at once.
     */
    public Builder maxBatch(int events) { this.maxBatch = events; return this; }
    /** Bytes of unfinished WebSocket messages held across all connections; default 32 MiB. */
    public Builder maxHeldBytes(long bytes) { this.maxHeldBytes = bytes; return this; }
    /**
     * Seconds a request's headers and a JSON body may take to arrive, and an NDJSON body may stay
     * silent; default 30. Streams the relay writes (SSE, WebSocket) have no such timeout.
     */
    public Builder readTimeoutSeconds(int seconds) { this.readTimeoutSeconds = seconds; return this; }
    /** SSE and WebSocket connections one address may hold; default 1024 (see SECURITY.md). */
    public Builder maxConnectionsPerPeer(int connections) { this.maxConnectionsPerPeer = connections; return this; }

    /**
     * @throws IllegalArgumentException naming the option and the fix
     */
    public RelayConfig build() {
      if (host == null || host.isBlank()) throw new IllegalArgumentException("host must not be empty");
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be 0..65535 (0 picks a free one), not " + port);
      }
      positive("max-event-size", maxEventSize, 64);
      positive("history-size", historySize, 0);
      positive("history-bytes", historyBytes, 0);
      atMost("history-bytes", historyBytes, LineRing.MAX_BYTES, "1g"); // the history is one array
      positive("queue-size", queueSize, 1);
      positive("queue-bytes", queueBytes, maxEventSize);
      positive("max-connections", maxConnections, 1);
      positive("heartbeat", heartbeatSeconds, 1);
      positive("io-threads", ioThreads, 1);
      positive("max-batch", maxBatch, 1);
      positive("max-held-bytes", maxHeldBytes, 1L << 20);
      positive("read-timeout", readTimeoutSeconds, 1);
      positive("max-connections-per-peer", maxConnectionsPerPeer, 1);
      atMost("io-threads", ioThreads, MAX_IO_THREADS, String.valueOf(MAX_IO_THREADS));
      if (overflow == null) throw new IllegalArgumentException("overflow must be drop-oldest or disconnect");
      if ((token == null || token.isEmpty()) && !isLoopback(host)) {
        throw new IllegalArgumentException("refusing to bind " + host + " without a token: any host"
            + " that reaches it could read and send events. Set a token (--token or RACKET_TOKEN)"
            + " or bind 127.0.0.1");
      }
      return new RelayConfig(this);
    }

    private static int defaultIoThreads() {
      return Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors() / 2));
    }

    private static void positive(String option, long value, long min) {
      if (value < min) {
        throw new IllegalArgumentException(option + " must be at least " + min + ", not " + value);
      }
    }

    private static void atMost(String option, long value, long max, String maxText) {
      if (value > max) {
        throw new IllegalArgumentException(option + " must be at most " + maxText + ", not " + value);
      }
    }

    private static boolean isLoopback(String host) {
      if (host.equalsIgnoreCase("localhost")) return true;
      try {
        return InetAddress.getByName(host).isLoopbackAddress();
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException("host '" + host + "' does not resolve: " + e.getMessage());
      }
    }
  }
}
