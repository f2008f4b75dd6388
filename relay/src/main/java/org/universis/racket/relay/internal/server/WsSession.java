package org.universis.racket.relay.internal.server;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.universis.racket.relay.RelayConfig;
import org.universis.racket.relay.internal.Log;
import org.universis.racket.relay.internal.codec.EventBatchReader;
import org.universis.racket.relay.internal.codec.Hello;
import org.universis.racket.relay.internal.codec.MalformedEventException;
import org.universis.racket.relay.internal.codec.OriginJson;
import org.universis.racket.relay.internal.codec.RelayProof;
import org.universis.racket.spi.TypeFilter;
import org.xnio.XnioExecutor;

/**
 * The inbound side of a {@code GET /ws} connection: hello, filter updates, emits, pings. Runs on
 * the connection's IO thread. Consecutive emits in a frame are numbered in one go; {@link
 * WsConnection} has already joined fragments and checked the size limit and the UTF-8.
 */
final class WsSession implements WsConnection.Listener, Origins.Holder {

  private final WsSubscriber subscriber;
  private final Sequencer sequencer;
  private final RelayConfig config;
  private final String epoch;
  private final Origins origins;
  private final Metrics metrics;
  private final String expectedProof; // what the hello's proof must be, or null: none asked
  private final Presence presence;
  private final Runnable proven; // run once the hello proved the token (Unproven)
  private byte[] origin;
  private String originId; // set once this connection holds it (Origins)
  // Seqs (PROTOCOL.md, Identity): the last emit's on this connection, and the highest an earlier
  // connection of the origin reached here; -1 for none. Only the IO thread writes them; closed()
  // reads lastSeq from whichever thread closes the connection.
  private volatile long lastSeq = -1;
  private long earlierSeq = Origins.Claim.UNKNOWN;
  private boolean ended; // guarded by this: the connection closed
  private boolean joined; // guarded by this: its racket.client.joined was published
  // Emits of the frame being read, numbered in one go before onText returns: their bodies are in
  // the frame. Only the IO thread touches it.
  private final List<Emit> emits = new ArrayList<>();
  private boolean ackRuns; // the client asked for one ack per run of emits (hello "acks":"runs")
  private volatile XnioExecutor.Key helloTimer;
  private volatile long lastHeardNanos = System.nanoTime();

  /** The most a seq may rise from one emit of an origin to its next (PROTOCOL.md, Identity). */
  static final long MAX_SEQ_STEP = 1 << 16;

  WsSession(WsSubscriber subscriber, Sequencer sequencer, RelayConfig config, String epoch,
      Origins origins, Metrics metrics, String expectedProof, Presence presence, Runnable proven) {
    this.subscriber = subscriber;
    this.sequencer = sequencer;
    this.config = config;
    this.epoch = epoch;
    this.origins = origins;
    this.metrics = metrics;
    this.expectedProof = expectedProof;
    this.presence = presence;
    this.proven = proven;
  }

  @Override
  public void onText(byte[] data, int from, int length) {
    lastHeardNanos = System.nanoTime();
    List<WsMessage> messages;
    try {
      messages = WsMessage.parseFrame(data, from, from + length);
    } catch (MalformedEventException e) {
      fail(e.getMessage());
      return;
    }
    for (WsMessage m : messages) {
      if (!m.op().equals("emit")) publish();
      try {
        handle(m);
      } catch (MalformedEventException e) {
        emits.clear(); // the connection ends: the frame's emits not numbered yet go with it
        fail(e.getMessage());
        return;
      } catch (Refused e) {
        emits.clear();
        fail(e.error, e.getMessage());
        return;
      }
    }
    publish();
  }

  @Override
  public void onBinary() {
    fail("binary frames are not supported; send text frames of JSON lines");
  }

  private void handle(WsMessage m) {
    if (origin == null && !m.op().equals(Hello.OP)) {
      throw new MalformedEventException("the first message must be {\"op\":\"hello\",…}");
    }
    switch (m.op()) {
      case Hello.OP -> hello(m);
      case "types" -> subscriber.filter(filter(m.types()));
      case "emit" -> emit(m);
      case "ping" -> subscriber.offerControl(PONG);
      case "clients" -> clients();
      default -> throw new MalformedEventException("unknown op '" + m.op() + "'");
    }
  }

  private void hello(WsMessage m) {
    if (origin != null) throw new MalformedEventException("hello was already sent");
    if (expectedProof != null && !RelayProof.matches(expectedProof, m.proof())) {
      metrics.rejected(401);
      throw new Refused("unauthorized", "the hello's \"proof\" is " + (m.proof() == null ? "missing"
          : "wrong") + ": it must answer the relay's Racket-Nonce with the token (PROTOCOL.md,"
          + " Proving who is who)");
    }
    proven.run();
    if (m.origin() == null) throw new MalformedEventException("hello needs an \"origin\"");
    TypeFilter filter = filter(m.types());
    cancelHelloTimer();
    Origins.Claim claim;
    synchronized (this) { // against closed(), which may run on another thread
      if (ended) return;
      claim = origins.claim(m.origin().id(), this);
      if (claim.granted()) originId = m.origin().id();
    }
    if (!claim.granted()) {
      metrics.originsRefused.increment();
      throw new Refused("origin_in_use", "origin id '" + m.origin().id() + "' belongs to another"
          + " live connection; an origin id is one emitter's, on one connection at a time");
    }
    earlierSeq = claim.highestSeq();
    subscriber.filter(filter);
    ackRuns = Hello.ACK_RUNS.equals(m.acks());
    boolean keyed = m.protocol() != null && m.protocol() >= Hello.KEYED; // "protocol":2
    if (keyed) subscriber.keyOrigins();
    origin = OriginJson.write(m.origin());
    SubscriberInfo info = subscriber.info();
    subscriber.info(new SubscriberInfo(info.transport(), info.address(), info.since(), m.origin()));
    sequencer.subscribe(subscriber, m.lastEventId(), lastId -> welcome(lastId, keyed));
    synchronized (this) { // a left must follow its joined: closed() publishes it under this lock
      if (ended) return;
      joined = true;
      presence.joined(subscriber);
    }
  }

  // An answer walks every client: once the answers overflowed this connection's queue and closed
  // it, the asks still in what was read cost nothing more.
  private void clients() {
    if (!subscriber.isClosed()) {
      subscriber.offerControl(Presence.clients(sequencer.subscribers(), "clients"));
    }
  }

  private void emit(WsMessage m) {
    if (m.seq() == null) throw new MalformedEventException("emit needs a \"seq\"");
    String refusal = seqRefusal(m.seq());
    if (refusal != null) {
      nack(m.seq(), "bad_request", refusal);
      return;
    }
    lastSeq = m.seq();
    String type = m.type() != null ? m.type() : m.bodyType() != null ? m.bodyType()
        : EventBatchReader.DEFAULT_TYPE;
    if (!m.hasBody()) {
      refusal = "emit needs a \"body\"";
    } else if (m.bodyLength() > config.maxEventSize()) {
      nack(m.seq(), "payload_too_large", "event body is " + m.bodyLength()
          + " bytes; the limit is " + config.maxEventSize() + " (max-event-size)");
      return;
    } else {
      try {
        TypeFilter.checkType(type);
        Notices.checkEmitted(type);
      } catch (IllegalArgumentException | MalformedEventException e) {
        refusal = e.getMessage();
      }
    }
    if (refusal != null) {
      nack(m.seq(), "bad_request", refusal);
    } else {
      emits.add(new Emit(type, m.frame(), m.bodyFrom(), m.bodyTo(), m.seq()));
    }
  }

  // Seqs rise on a connection, by at most MAX_SEQ_STEP; the first may rise that much above what an
  // earlier connection of the origin reached here, or start anywhere for an origin new to this
  // relay (a takeover's re-sends). A forged jump would make subscribers drop the origin's events.
  private String seqRefusal(long seq) {
    if (lastSeq >= 0 && seq <= lastSeq) {
      return "seq " + seq + " is not above " + lastSeq + ", this connection's last";
    }
    long from = lastSeq >= 0 ? lastSeq : earlierSeq;
    if (from >= 0 && seq - from > MAX_SEQ_STEP) {
      return "seq " + seq + " jumps more than " + MAX_SEQ_STEP + " above " + from
          + ", the origin's last on this relay";
    }
    return null;
  }

  // A nack keeps relay order: the emits before it are numbered first.
  private void nack(long seq, String error, String message) {
    publish();
    subscriber.offerControl(Json.nack(seq, error, message));
  }

  private void publish() {
    if (emits.isEmpty()) return;
    // Its future fails, unacknowledged, when the relay is shutting down or the backplane cannot
    // take them: the client sends them again.
    sequencer.publish(emits, origin, subscriber, ackRuns);
    emits.clear();
  }

  private static TypeFilter filter(String types) {
    // Absent or null: this connection only emits. An empty string, like everywhere, means all.
    if (types == null) return TypeFilter.none();
    try {
      return TypeFilter.parse(types);
    } catch (IllegalArgumentException e) {
      throw new MalformedEventException(e.getMessage());
    }
  }

  private byte[] welcome(long lastId, boolean keyed) {
    return Json.object("op", "welcome", "relay", epoch, "lastId", lastId,
        "maxEventSize", config.maxEventSize(), "queueSize", config.queueSize(),
        Hello.PROTOCOL, keyed ? Hello.KEYED : 1);
  }

  /**
   * Closes the connection if it has not said hello yet: a socket that upgrades and stays silent
   * must not hold one of the relay's max-connections for good. Runs on the connection's IO thread,
   * {@link #helloSeconds} after the upgrade.
   */
  void requireHello() {
    if (origin == null) fail("no hello within " + helloSeconds() + " s of connecting");
  }

  /** How long after the upgrade the hello may come: soon when it must prove the token. */
  long helloSeconds() {
    return expectedProof != null ? Unproven.HELLO_DEADLINE_SECONDS : config.heartbeatSeconds();
  }

  /** The timer of {@link #requireHello}, removed at hello and at close: it holds this session. */
  void helloTimer(XnioExecutor.Key key) {
    helloTimer = key;
  }

  /**
   * The connection closed: the timer goes, others hear that it left, and the origin id is free
   * for its next connection.
   */
  void closed() {
    cancelHelloTimer();
    String id;
    synchronized (this) {
      ended = true;
      id = originId;
      if (joined) presence.left(subscriber);
    }
    if (id != null) origins.release(id, this);
  }

  @Override
  public long lastHeardNanos() {
    return lastHeardNanos;
  }

  @Override
  public long lastSeq() {
    return lastSeq;
  }

  @Override
  public void replaced() {
    subscriber.offerControl(Json.object("op", "error", "error", "origin_in_use", "message",
        "a new connection of this origin id took it over after " + silentSeconds(config)
            + " s of silence"));
    subscriber.execute(() -> subscriber.closeWith(WsConnection.POLICY_VIOLATION, "replaced"));
  }

  /** How long a connection that holds an origin id may send nothing before a new one may take it. */
  static long silentSeconds(RelayConfig config) {
    return 2L * config.heartbeatSeconds();
  }


  /** Removes the hello timer: hello came, or the connection closed and need not stay in memory. */
  private void cancelHelloTimer() {
    XnioExecutor.Key key = helloTimer;
    if (key != null) key.remove();
  }

  private void fail(String message) {
    fail("bad_request", message);
  }

  private void fail(String error, String message) {
    Log.debug("WebSocket client " + subscriber.info().address() + " refused: " + message);
    subscriber.offerControl(Json.object("op", "error", "error", error, "message", message));
    subscriber.execute(() -> subscriber.closeWith(WsConnection.POLICY_VIOLATION, "bad message"));
  }

  /** A message refused for a reason other than its form: the error names it. */
  private static final class Refused extends RuntimeException {
    final String error;

    Refused(String error, String message) {
      super(message, null, false, false);
      this.error = error;
    }
  }

  private static final byte[] PONG = "{\"op\":\"pong\"}".getBytes(StandardCharsets.US_ASCII);
}
