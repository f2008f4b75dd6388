package org.universis.racket.relay.internal.client;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocketFactory;
import org.universis.racket.ConnectedClient;
import org.universis.racket.Origin;
import org.universis.racket.RacketOptions;
import org.universis.racket.relay.internal.Log;
import org.universis.racket.relay.internal.codec.Hello;
import org.universis.racket.relay.internal.codec.OriginJson;
import org.universis.racket.relay.internal.codec.RelayProof;
import org.universis.racket.relay.internal.codec.WsFrames;

/**
 * Keeps one emitter connected to its relay: connects (hosting the relay first when the mode says
 * so, or when nothing answers in {@code auto} mode), says hello with the subscriptions' filter and
 * the last id seen, and after welcome lets the {@link Outbox} send. When the connection drops it
 * tries again with exponential backoff and jitter, for as long as the emitter is open.
 */
final class Connector {

  static final int DEFAULT_MAX_EVENT_SIZE = 1 << 20;
  private static final long FIRST_RETRY_MILLIS = 50;
  private static final long MAX_RETRY_MILLIS = 2_000;
  private static final long PING_AFTER_NANOS = TimeUnit.SECONDS.toNanos(5);
  private static final long DEAD_AFTER_NANOS = TimeUnit.SECONDS.toNanos(20);
  private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
  // A relay frame holds at most max-event-size + 64 KiB; anything far larger is not a relay.
  private static final int MAX_MESSAGE_BYTES = 64 << 20;

  private final RacketOptions options;
  private final URI socketUri;
  private final SSLSocketFactory tls; // null for an http url
  private final String originId;
  private volatile String originJson; // made on the connect thread: the host name may need DNS
  private final Outbox outbox;
  private final Inbox inbox;
  private final UnobservedFailures unobserved;
  private final RelayHost host;
  private final ScheduledThreadPoolExecutor scheduler;
  // The key the relay must prove it knows (the token, or this user's secret), or null; made on
  // the connect thread, which alone uses it: the secret may need a file read and written.
  private RelayProof proof;
  private boolean proofMade;
  private final ExecutorService network;

  // Guarded by this.
  private Link link;
  private String types;
  private String relay;
  private int failures;
  private String lastProblem;
  private boolean closed;
  private volatile int maxEventSize = DEFAULT_MAX_EVENT_SIZE;
  private final ClientAsks clientAsks;

  Connector(RacketOptions options, String originId, Outbox outbox, Inbox inbox,
      UnobservedFailures unobserved) {
    this.options = options;
    this.originId = originId;
    this.outbox = outbox;
    this.inbox = inbox;
    this.unobserved = unobserved;
    this.host = new RelayHost(options);
    URI url = options.url();
    this.socketUri = URI.create(("https".equals(url.getScheme()) ? "wss" : "ws") + "://"
        + url.getRawAuthority() + (url.getRawPath() == null ? "" : url.getRawPath()) + "/ws");
    this.tls = "https".equals(url.getScheme()) ? ClientTls.socketFactory(options.tlsCa()) : null;
    this.scheduler = new ScheduledThreadPoolExecutor(1, new DaemonThreads("connect"));
    this.scheduler.setRemoveOnCancelPolicy(true);
    this.network = Executors.newCachedThreadPool(new DaemonThreads("ws"));
    this.types = inbox.relayFilter();
    this.clientAsks = new ClientAsks(options.url().toString());
  }

  /** Starts connecting in the background. */
  void start() {
    scheduler.execute(this::connect);
    scheduler.scheduleWithFixedDelay(this::checkAlive, 1, 1, TimeUnit.SECONDS);
  }

  /** The threads that read and send frames: the connection's own daemon threads. */
  Executor senders() {
    return network;
  }

  /** The connect thread's timer, for a link's {@link ReaderWatch}. */
  ScheduledExecutorService timer() {
    return scheduler;
  }

  /** Whether this JVM hosts the relay, for this emitter. */
  boolean hosting() {
    return host.hosting();
  }

  /** The most bytes one event body may have, as the relay said. */
  int maxEventSize() {
    return maxEventSize;
  }

  /** The subscriptions' filter changed: tell the relay, if connected. */
  void typesChanged() {
    FrameWriter w = null;
    synchronized (this) {
      String union = inbox.relayFilter();
      if (java.util.Objects.equals(union, types)) return;
      types = union;
      String message = "{\"op\":\"types\",\"types\":" + ClientJson.encode(types) + "}";
      // Queued under the lock, so it cannot overtake the hello of a link opening right now.
      if (link != null) {
        w = link.writer();
        w.enqueue(message);
      }
    }
    if (w != null) w.flush();
  }

  private void connect() {
    synchronized (this) {
      if (closed || link != null) return;
    }
    // Everything inside the try: a task that throws on the scheduler is swallowed, and nothing
    // would ever connect again.
    try {
      if (originJson == null) originJson = originJson();
      if (!proofMade) {
        String secret = UserSecret.of(options);
        proof = secret == null ? null : RelayProof.of(secret);
        proofMade = true;
      }
      if (host.hostFirst()) host.tryStart();
      RelaySocket socket = RelaySocket.open(socketUri, proof, CONNECT_TIMEOUT_MILLIS,
          MAX_MESSAGE_BYTES, tls);
      String distrust = distrust(socket);
      if (distrust != null) {
        socket.abort(); // before a byte of it is read: nothing it sends is delivered
        throw new UntrustedRelayException(distrust);
      }
      Link attempt = new Link(this, socket, inbox, outbox, clientAsks);
      try {
        network.execute(attempt::run);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        socket.abort(); // closing
      }
    } catch (IOException | RuntimeException e) {
      connectFailed(e);
    }
  }

  /** The server at the url proved nothing, and these options do not trust a relay that does not. */
  private static final class UntrustedRelayException extends IOException {
    UntrustedRelayException(String message) {
      super(message);
    }
  }

  // A relay without a token proves nothing: with a token set, it is refused; in client mode it is
  // trusted (its operator chose to run it open); otherwise only when this user runs it.
  private String distrust(RelaySocket socket) {
    if (proof == null || socket.clientProof() != null) return null;
    if (options.token() != null) {
      return "it does not prove that it knows the token: it may be an impostor holding the port, or"
          + " a relay without a token";
    }
    if (options.mode() == RacketOptions.Mode.CLIENT || socket.relayIsThisUsers()) return null;
    return "it has no token and is not run by this user: it may be an impostor holding the port. To"
        + " use it anyway set mode=client, or start it with --token-file "
        + UserSecret.directory().resolve(UserSecret.FILE);
  }

  private void connectFailed(Exception cause) {
    if (cause instanceof ConnectException && host.allowed() && !host.hosting()) {
      // Nothing listens: run for election. Winner or not, someone should answer now.
      if (host.tryStart()) {
        connect();
        return;
      }
    }
    retryLater(describe(cause));
  }

  /** Called by a link once its socket is open: say hello. */
  void opened(Link opened) {
    String hello;
    synchronized (this) {
      if (closed) {
        opened.close();
        return;
      }
      link = opened;
      long resume = inbox.resumeId();
      // One ack per run of emits (PROTOCOL.md): a busy emitter reads one line per frame it sent.
      String proven = opened.proof();
      hello = Hello.write(originJson, types, resume, proven);
      opened.writer().enqueue(hello);
    }
    opened.writer().flush();
  }

  void welcomed(Link welcomed, RelayMessage welcome) {
    boolean newRelay;
    boolean reconnected;
    synchronized (this) {
      if (link != welcomed) return;
      newRelay = relay != null && !relay.equals(welcome.relay());
      reconnected = relay != null || failures > 0;
      relay = welcome.relay();
      failures = 0;
      lastProblem = null;
    }
    if (welcome.maxEventSize() > 0) maxEventSize = welcome.maxEventSize();
    welcomed.writer().limit(maxEventSize + WsFrames.FRAME_SLACK);
    if (newRelay) inbox.newRelay();
    inbox.resumeFromIfNothingSeen(welcome.lastId());
    outbox.attach(welcomed.writer(), newRelay, welcome.queueSize());
    clientAsks.attach(welcomed.writer());
    if (reconnected) {
      Log.info("connected to the racket relay at " + options.url() + " (relay " + relay + ")");
    }
  }

  /** Asks the relay who is connected, waiting up to the emit-timeout. */
  List<ConnectedClient> clients() {
    return clientAsks.ask(options.emitTimeout().toNanos());
  }

  /** Called once per link when it is gone: try again. */
  void lost(Link lost, String why) {
    boolean wasWelcomed;
    synchronized (this) {
      if (link != lost) return;
      link = null;
      wasWelcomed = lost.welcomed();
    }
    FrameWriter w = lost.writer();
    if (w != null) outbox.detach(w);
    if (wasWelcomed) Log.warn("lost the racket relay at " + options.url() + ": " + why + "; reconnecting");
    retryLater(why);
  }

  private void retryLater(String problem) {
    long delay;
    synchronized (this) {
      if (closed) return;
      if (!problem.equals(lastProblem)) {
        if (problem.startsWith(UNTRUSTED)) {
          Log.log(Log.Level.ERROR, "racket does not trust the relay at " + options.url() + ": "
              + problem.substring(UNTRUSTED.length()) + "; nothing is sent to it or taken from it;"
              + " retrying");
        } else if (failures > 0 || relay == null) {
          Log.warn("cannot reach the racket relay at " + options.url() + ": " + problem + "; retrying");
        }
        lastProblem = problem;
      }
      long ceiling = Math.min(MAX_RETRY_MILLIS, FIRST_RETRY_MILLIS << Math.min(failures, 10));
      failures++;
      // Full jitter in the upper half, so that clients of a relay that died do not return in step.
      delay = ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
    }
    try {
      scheduler.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closing
    }
  }

  // A relay that vanished without closing the socket is noticed by silence: ping, then give up.
  // (A reader waiting for room in a subscription's queue counts as hearing: the silence is ours.)
  private void checkAlive() {
    try {
      outbox.expire();
      unobserved.report(false);
      pingOrAbortSilentLink();
    } catch (RuntimeException e) {
      // A periodic task that throws is cancelled for good: log, and check again next second.
      Log.warn("racket connection check failed", e);
    }
  }

  private void pingOrAbortSilentLink() {
    Link l;
    synchronized (this) {
      l = link;
    }
    if (l == null) return;
    long silent = System.nanoTime() - l.lastHeardNanos();
    if (silent > DEAD_AFTER_NANOS) {
      l.abort("no answer from the relay for " + TimeUnit.NANOSECONDS.toSeconds(silent) + " s");
    } else if (silent > PING_AFTER_NANOS && l.welcomed()) {
      l.writer().send("{\"op\":\"ping\"}");
    }
  }

  /** Closes the connection, the hosted relay (if any) and every thread. */
  void close() {
    Link l;
    synchronized (this) {
      if (closed) return;
      closed = true;
      l = link;
      link = null;
    }
    scheduler.shutdownNow();
    clientAsks.close();
    if (l != null) l.close();
    host.close();
    network.shutdown();
  }

  private String originJson() {
    return new String(OriginJson.write(new Origin(originId, ProcessHandle.current().pid(),
        LocalHostName.get(), options.name())), java.nio.charset.StandardCharsets.UTF_8);
  }

  // Marks a problem that is the server's proof, logged as an error: the others are warnings.
  private static final String UNTRUSTED = "untrusted: ";

  private static String describe(Exception cause) {
    if (cause instanceof UntrustedRelayException || cause instanceof RelaySocket.WrongProofException) {
      return UNTRUSTED + cause.getMessage();
    }
    if (cause instanceof RelaySocket.HandshakeException h) {
      int status = h.status;
      return "HTTP " + status + (status == 401 ? " (wrong or missing token: set the token option)" : "")
          + (status == 503 ? " (the relay is full or shutting down)" : "");
    }
    if (cause instanceof ConnectException) return "connection refused";
    if (cause instanceof SSLException) {
      return "TLS failed: " + cause.getMessage() + " (for a certificate the JVM does not trust, set"
          + " tls-ca to a PEM file of it or its CA; a relay without tls-cert needs an http url)";
    }
    return String.valueOf(cause);
  }
}
