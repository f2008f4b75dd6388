package org.universis.racket.relay.internal.server;

import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.handlers.HttpContinueReadHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.universis.racket.relay.RelayConfig;
import org.universis.racket.relay.internal.Log;
import org.universis.racket.relay.internal.codec.WsFrames;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.Xnio;
import org.xnio.XnioWorker;

/**
 * The relay behind {@link org.universis.racket.relay.Relay}: its threads, routes and sequencer.
 * A running relay. {@link #start(RelayConfig)} binds and returns it; {@link #close()} stops every
 * thread it started. Embeddable: with {@code daemonThreads} its threads never keep an app alive.
 */
public final class RelayServer implements AutoCloseable {

  /** Sockets beyond max-connections for plain requests (POST, status pages, refusals). */
  private static final int EXTRA_SOCKETS = 256;
  /** How long a shutdown waits for subscribers to take what is queued for them. */
  static final long DRAIN_MILLIS = 3_000;

  private final RelayConfig config;
  private final String epoch;
  private final Sequencer sequencer;
  private final BackplaneLink backplane;
  private final Connections connections;
  private final XnioWorker worker;
  private final Undertow undertow;
  private final ScheduledExecutorService heartbeats;
  private final int port;
  private volatile boolean closed;

  private RelayServer(RelayConfig config) {
    this.config = config;
    this.epoch = newEpoch();
    Metrics metrics = new Metrics();
    Notices notices = new Notices(config.host());
    // Under a backplane the log's ids are every relay's: none is this relay's to start from.
    this.sequencer = new Sequencer(config.backplane() == null ? System.currentTimeMillis()
        : Sequencer.ID_EPOCH_MILLIS, new History(config.historySize(), config.historyBytes()),
        notices, metrics);
    this.backplane = config.backplane() == null ? null : new BackplaneLink(sequencer,
        Backplanes.redacted(Backplanes.uri(config.backplane())));
    this.connections = new Connections(config.maxConnections(),
        config.bounds().maxConnectionsPerPeer());
    SubscriberLimits limits = new SubscriberLimits(config.queueSize(), config.queueBytes(),
        config.overflow(), config.maxEventSize() + WsFrames.FRAME_SLACK, notices);
    Responses responses = new Responses(metrics);
    HttpRoutes routes = new HttpRoutes(config.token(), responses, connections,
        new StatusPages(sequencer, metrics, responses, epoch),
        // curl and others ask before they send a large body (Expect: 100-continue).
        new HttpContinueReadHandler(new EventsPost(sequencer, responses, config.maxEventSize(),
            config.bounds())),
        new EventsStream(sequencer, responses, connections, limits, metrics),
        new WsEndpoint(sequencer, config, epoch, connections, limits, metrics, responses),
        new BrowserGuard(config, responses));
    if (backplane != null) {
      backplane.open(Backplanes.provider(config.backplane(), RelayServer.class.getClassLoader()), config);
    }
    this.worker = newWorker(config);
    Undertow.Builder server = Undertow.builder().setWorker(worker);
    if (config.tls() == null) server.addHttpListener(config.port(), config.host());
    else server.addHttpsListener(config.port(), config.host(), config.tls());
    this.undertow = server
        // Filters like ?types=cache.> arrive unescaped from curl.
        .setServerOption(UndertowOptions.ALLOW_UNESCAPED_CHARACTERS_IN_URL, true)
        // Idle keep-alive connections go after a minute; streams are requests in progress.
        .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, 60_000)
        // A request's head that trickles in holds a socket; a body has its own timeouts (EventsPost).
        .setServerOption(UndertowOptions.REQUEST_PARSE_TIMEOUT,
            (int) TimeUnit.SECONDS.toMillis(config.bounds().readTimeoutSeconds()))
        // No cap on a request body's total: a POST /events stream of lines has none (EventLines
        // bounds each line). Every other body is bounded where it is read, or not read (HttpRoutes).
        .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, -1L)
        // A hard cap on sockets: subscribers past max-connections get a 503 before this is hit.
        .setSocketOption(Options.CONNECTION_HIGH_WATER, config.maxConnections() + EXTRA_SOCKETS)
        .setSocketOption(Options.CONNECTION_LOW_WATER, config.maxConnections() + EXTRA_SOCKETS)
        .setHandler(routes)
        .build();
    try {
      undertow.start();
    } catch (RuntimeException e) {
      stopWorker();
      if (backplane != null) backplane.close();
      throw bindFailure(e);
    }
    this.port = ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
    long heartbeat = config.heartbeatSeconds();
    // On a thread of its own rather than as a timer of an IO thread: a timer that comes due every
    // few seconds is a path through XNIO's IO loop that the JIT's profile of a busy loop misses,
    // and its first run after the loop is compiled would send the IO thread back to the
    // interpreter for one to two seconds, at 10,000 events/s.
    this.heartbeats = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread t = new Thread(task, "racket-relay-heartbeat");
      t.setDaemon(true); // the IO threads are what keeps a standalone relay running
      return t;
    });
    // Scanning twice per period keeps every idle stream's gap between heartbeats at most one period.
    heartbeats.scheduleAtFixedRate(() -> heartbeat(TimeUnit.SECONDS.toNanos(heartbeat)),
        heartbeat * 500, heartbeat * 500, TimeUnit.MILLISECONDS);
  }

  /**
   * Binds and starts a relay.
   *
   * @throws UncheckedIOException when it cannot bind; its cause is a {@link BindException} when
   *     the port is taken. No thread is left running then.
   */
  public static RelayServer start(RelayConfig config) {
    RelayServer relay = new RelayServer(config);
    Log.info("listening on " + relay.url() + " (relay " + relay.epoch + ")");
    String cleartext = cleartextWarning(config);
    if (cleartext != null) Log.warn(cleartext);
    return relay;
  }

  /** What to warn of when other hosts reach the relay without TLS; {@code null} when they do not. */
  static String cleartextWarning(RelayConfig config) {
    if (config.loopback() || config.tls() != null) return null;
    return "listening on " + config.host() + " without TLS: tokens and events travel in clear"
        + " to and from other hosts; set tls-cert and tls-key (--tls-cert, --tls-key) to serve HTTPS";
  }

  /** {@code http://host:port}, or {@code https://} when it serves TLS; the host as bound. */
  public String url() {
    return (config.tls() == null ? "http" : "https") + "://"
        + BrowserGuard.bracketed(config.host()) + ":" + port;
  }

  /** The port it listens on, the one picked when configured with 0. */
  public int port() {
    return port;
  }

  /** This instance's random id; a restarted or replacing relay has another. */
  public String epoch() {
    return epoch;
  }

  /** The last id assigned; below the first id this relay will assign before any event. */
  public long lastId() {
    return sequencer.lastId();
  }

  /**
   * Shuts down gracefully: takes no new connection nor event, lets every subscriber have what was
   * queued for it (at most {@value #DRAIN_MILLIS} ms), closes WebSockets with 1001 (going away),
   * then stops every thread; idempotent. Emits that arrive meanwhile are not acknowledged: their
   * clients send them again to the relay that takes over, which has no history of this one, so
   * the drain is what brings this relay's last events to its subscribers.
   */
  @Override
  public void close() {
    if (closed) return;
    closed = true;
    connections.closing();
    sequencer.stop();
    drain(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DRAIN_MILLIS));
    heartbeats.shutdownNow();
    for (Subscriber s : sequencer.subscribers()) s.close();
    undertow.stop();
    stopWorker();
    if (backplane != null) backplane.close();
    Log.info("stopped relay " + epoch);
  }

  // Waits until every subscriber's queue is written, or the deadline; a subscriber that reads
  // nothing must not hold the shutdown longer.
  private void drain(long deadlineNanos) {
    List<Subscriber> left = new ArrayList<>(sequencer.subscribers());
    while (true) {
      left.removeIf(Subscriber::drained);
      if (left.isEmpty()) return;
      if (System.nanoTime() - deadlineNanos >= 0) {
        Log.warn("stopping with events still queued for " + left.size() + " subscriber(s) after "
            + DRAIN_MILLIS + " ms");
        return;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5)); // polling the queues' writers
    }
  }

  private void heartbeat(long idleNanos) {
    try {
      for (Subscriber s : sequencer.subscribers()) {
        if (s instanceof SseSubscriber && s.idleFor(idleNanos)) s.offerControl(SseSubscriber.HEARTBEAT);
      }
    } catch (RuntimeException | OutOfMemoryError e) {
      OutOfMemoryExit.check(e); // the standalone relay exits; a hosted one goes on
      Log.warn("heartbeat scan failed; the next one runs as planned", e); // a throw would end them
    }
  }

  private void stopWorker() {
    worker.shutdown();
    try {
      if (!worker.awaitTermination(5, TimeUnit.SECONDS)) worker.shutdownNow();
    } catch (InterruptedException e) {
      worker.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  private static XnioWorker newWorker(RelayConfig config) {
    try {
      return Xnio.getInstance(Undertow.class.getClassLoader()).createWorker(OptionMap.builder()
          .set(Options.WORKER_NAME, "racket-relay")
          .set(Options.WORKER_IO_THREADS, config.ioThreads())
          .set(Options.WORKER_TASK_CORE_THREADS, 2)
          .set(Options.WORKER_TASK_MAX_THREADS, 4)
          .set(Options.THREAD_DAEMON, config.daemonThreads())
          .set(Options.TCP_NODELAY, true)
          .getMap());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the relay's IO threads", e);
    }
  }

  private UncheckedIOException bindFailure(RuntimeException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof BindException b) {
        BindException named = new BindException("cannot bind " + config.host() + ":" + config.port()
            + ": " + b.getMessage() + " (another relay may be running there; set port)");
        named.initCause(b);
        return new UncheckedIOException(named.getMessage(), named);
      }
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof IOException io) {
        return new UncheckedIOException("cannot start the relay on " + config.host() + ":"
            + config.port() + ": " + io.getMessage(), io);
      }
    }
    throw e;
  }

  private static String newEpoch() {
    byte[] bytes = new byte[8];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }
}
