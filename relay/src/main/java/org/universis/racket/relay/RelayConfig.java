package org.universis.racket.relay;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import org.universis.racket.relay.internal.codec.LineRing;
import org.universis.racket.relay.internal.server.Backplanes;
import org.universis.racket.relay.internal.server.BrowserGuard;
import org.universis.racket.relay.internal.server.TlsFiles;

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
  private final List<String> allowOrigins;
  private final List<String> allowHosts;
  private final SSLContext tls;
  private final boolean loopback;
  private final boolean wildcard;
  private final Bounds bounds;
  private final String backplane;
  private final int backplaneHold;

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

  private RelayConfig(Builder b, TlsFiles.Identity tls, boolean loopback, boolean wildcard) {
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
    allowOrigins = List.copyOf(b.allowOrigins);
    List<String> hosts = new ArrayList<>(b.allowHosts);
    if (tls != null) hosts.addAll(tls.names()); // names a client checks the certificate for
    allowHosts = List.copyOf(hosts);
    this.tls = tls == null ? null : tls.context();
    this.loopback = loopback;
    this.wildcard = wildcard;
    bounds = new Bounds(b.maxBatch, b.maxHeldBytes, b.readTimeoutSeconds, b.maxConnectionsPerPeer);
    backplane = b.backplane == null || b.backplane.isBlank() ? null : b.backplane.trim();
    backplaneHold = b.backplaneHold;
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
  /** Origins, as {@code scheme://host:port}, whose pages may use the relay besides its own. */
  public List<String> allowOrigins() { return allowOrigins; }
  /**
   * Host names, in lower case, the relay answers for besides its bind address and loopback: those
   * configured, then the DNS names of its TLS certificate.
   */
  public List<String> allowHosts() { return allowHosts; }
  /** The TLS context when the relay serves HTTPS, else {@code null}. */
  public SSLContext tls() { return tls; }
  /** Whether the bind address is a loopback one, so no other host can reach the relay. */
  public boolean loopback() { return loopback; }
  /** Whether the bind address is every address of the host (0.0.0.0 or ::). */
  public boolean wildcardBind() { return wildcard; }
  public Bounds bounds() { return bounds; }
  /** The backplane's URI, credentials included (never log it), or {@code null} for none. */
  public String backplane() { return backplane; }
  /** Emits a relay holds while its backplane is unreachable; more are refused. */
  public int backplaneHold() { return backplaneHold; }

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
    private final List<String> allowOrigins = new ArrayList<>();
    private final List<String> allowHosts = new ArrayList<>();
    private Path tlsCert;
    private Path tlsKey;
    private int maxBatch = 10_000;
    private long maxHeldBytes = 32L << 20;
    private int readTimeoutSeconds = 30;
    private int maxConnectionsPerPeer = 1024;
    private String backplane;
    private int backplaneHold = 10_000;

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
     * Lets pages from {@code origin} ({@code https://ops.example.com}, a port if not the scheme's
     * default) use the relay; by default a request that carries a foreign {@code Origin} is
     * refused (docs/SECURITY.md).
     */
    public Builder allowOrigin(String origin) {
      String o = origin.trim().toLowerCase(Locale.ROOT);
      if (!o.matches("https?://[^/?#@\\s]+")) {
        throw new IllegalArgumentException("allow-origin '" + origin + "' must be an origin like"
            + " https://ops.example.com (a scheme, a host and maybe a port; no path, no *)");
      }
      allowOrigins.add(BrowserGuard.normalOrigin(o));
      return this;
    }

    /**
     * Lets requests name the relay as {@code name} (a host name or address, any port) in their
     * {@code Host}; by default only the bind address and loopback names are answered for.
     */
    public Builder allowHost(String name) {
      String h = name.trim().toLowerCase(Locale.ROOT);
      boolean ipv6 = h.startsWith("[") || h.indexOf(':') != h.lastIndexOf(':');
      if (!h.matches("[a-z0-9._:\\[\\]-]+") || !ipv6 && h.contains(":")) {
        throw new IllegalArgumentException("allow-host '" + name + "' must be a host name or"
            + " address without a port, like relay.example.com");
      }
      allowHosts.add(BrowserGuard.bracketed(h));
      return this;
    }

    /**
     * Joins the relays that share a backplane into one, with one order and the same ids
     * everywhere: {@code redis://[user:password@]host[:port][/db]} or {@code rediss://…} (README,
     * "Many hosts"). Needs racket-backplane-redis on the class path; default none.
     */
    public Builder backplane(String uri) { this.backplane = uri; return this; }
    /** Emits held while the backplane is unreachable (their bytes up to history-bytes); default 10,000. */
    public Builder backplaneHold(int events) { this.backplaneHold = events; return this; }

    /** The relay's certificate chain, PEM; with {@link #tlsKey} the relay serves HTTPS. */
    public Builder tlsCert(Path cert) { this.tlsCert = cert; return this; }
    /** The certificate's private key, unencrypted PKCS#8 PEM (RSA or EC). */
    public Builder tlsKey(Path key) { this.tlsKey = key; return this; }

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
      positive("backplane-hold", backplaneHold, 1);
      if (backplane != null && !backplane.isBlank()) {
        Backplanes.provider(backplane.trim(), RelayConfig.class.getClassLoader());
      }
      if (overflow == null) throw new IllegalArgumentException("overflow must be drop-oldest or disconnect");
      InetAddress bind = resolve(host);
      boolean loopback = host.equalsIgnoreCase("localhost") || bind.isLoopbackAddress();
      if ((token == null || token.isEmpty()) && !loopback) {
        throw new IllegalArgumentException("refusing to bind " + host + " without a token: any host"
            + " that reaches it could read and send events. Set a token (--token or RACKET_TOKEN)"
            + " or bind 127.0.0.1");
      }
      if ((tlsCert == null) != (tlsKey == null)) {
        throw new IllegalArgumentException("tls-cert and tls-key go together: set "
            + (tlsCert == null ? "tls-cert" : "tls-key") + " as well");
      }
      TlsFiles.Identity tls = tlsCert == null ? null : TlsFiles.load(tlsCert, tlsKey);
      return new RelayConfig(this, tls, loopback, bind.isAnyLocalAddress());
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

    private static InetAddress resolve(String host) {
      try {
        return InetAddress.getByName(host);
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException("host '" + host + "' does not resolve: " + e.getMessage());
      }
    }
  }
}
