package org.universis.racket.relay.server;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.universis.racket.relay.codec.EnvelopeEncoder;
import org.universis.racket.relay.codec.EventBatchReader;
import org.universis.racket.relay.codec.MalformedEventException;
import org.universis.racket.spi.TypeFilter;
import org.xnio.XnioExecutor;

/**
 * The inbound side of a {@code GET /ws} connection: hello, filter updates, emits, pings. Runs on
 * the connection's IO thread. Consecutive emits in a frame are numbered in one go; {@link
 * WsConnection} has already joined fragments and checked the size limit and the UTF-8.
 */
final class WsSession implements WsConnection.Listener {

  private final WsSubscriber subscriber;
  private final Sequencer sequencer;
  private final RelayConfig config;
  private final String epoch;
  private byte[] origin;
  // Emits of the frame being read, numbered in one go before onText returns: their bodies are in
  // the frame. Only the IO thread touches it.
  private final List<Emit> emits = new ArrayList<>();
  private boolean ackRuns; // the client asked for one ack per run of emits (hello "acks":"runs")
  private volatile XnioExecutor.Key helloTimer;

  WsSession(WsSubscriber subscriber, Sequencer sequencer, RelayConfig config, String epoch) {
    this.subscriber = subscriber;
    this.sequencer = sequencer;
    this.config = config;
    this.epoch = epoch;
  }

  @Override
  public void onText(byte[] data, int from, int length) {
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
      }
    }
    publish();
  }

  @Override
  public void onBinary() {
    fail("binary frames are not supported; send text frames of JSON lines");
  }

  private void handle(WsMessage m) {
    if (origin == null && !m.op().equals("hello")) {
      throw new MalformedEventException("the first message must be {\"op\":\"hello\",…}");
    }
    switch (m.op()) {
      case "hello" -> hello(m);
      case "types" -> subscriber.filter(filter(m.types()));
      case "emit" -> emit(m);
      case "ping" -> subscriber.offerControl(PONG);
      default -> throw new MalformedEventException("unknown op '" + m.op() + "'");
    }
  }

  private void hello(WsMessage m) {
    if (origin != null) throw new MalformedEventException("hello was already sent");
    if (m.origin() == null) throw new MalformedEventException("hello needs an \"origin\"");
    subscriber.filter(filter(m.types()));
    cancelHelloTimer();
    ackRuns = "runs".equals(m.acks());
    origin = EnvelopeEncoder.origin(m.origin());
    SubscriberInfo info = subscriber.info();
    subscriber.info(new SubscriberInfo(info.transport(), info.address(), info.since(), m.origin()));
    sequencer.subscribe(subscriber, m.lastEventId(), lastId -> welcome(lastId));
  }

  private void emit(WsMessage m) {
    if (m.seq() == null) throw new MalformedEventException("emit needs a \"seq\"");
    String refusal = null;
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
      } catch (IllegalArgumentException e) {
        refusal = e.getMessage();
      }
    }
    if (refusal != null) {
      nack(m.seq(), "bad_request", refusal);
    } else {
      emits.add(new Emit(type, m.frame(), m.bodyFrom(), m.bodyTo(), m.seq()));
    }
  }

  // A nack keeps relay order: the emits before it are numbered first.
  private void nack(long seq, String error, String message) {
    publish();
    subscriber.offerControl(Json.object("op", "nack", "seq", seq, "error", error, "message", message));
  }

  private void publish() {
    if (emits.isEmpty()) return;
    try {
      sequencer.publish(emits, origin, subscriber, ackRuns);
    } finally {
      emits.clear();
    }
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

  private byte[] welcome(long lastId) {
    return Json.object("op", "welcome", "relay", epoch, "lastId", lastId,
        "maxEventSize", config.maxEventSize(), "queueSize", config.queueSize());
  }

  /**
   * Closes the connection if it has not said hello yet: a socket that upgrades and stays silent
   * must not hold one of the relay's max-connections for good. Runs on the connection's IO thread,
   * one heartbeat period after the upgrade.
   */
  void requireHello() {
    if (origin == null) fail("no hello within " + config.heartbeatSeconds() + " s of connecting");
  }

  /** The timer of {@link #requireHello}, removed at hello and at close: it holds this session. */
  void helloTimer(XnioExecutor.Key key) {
    helloTimer = key;
  }

  /** Removes the hello timer: hello came, or the connection closed and need not stay in memory. */
  void cancelHelloTimer() {
    XnioExecutor.Key key = helloTimer;
    if (key != null) key.remove();
  }

  private void fail(String message) {
    Log.debug("WebSocket client " + subscriber.info().address() + " sent a bad message: " + message);
    subscriber.offerControl(Json.object("op", "error", "error", "bad_request", "message", message));
    subscriber.execute(() -> subscriber.closeWith(WsConnection.POLICY_VIOLATION, "bad message"));
  }

  private static final byte[] PONG = "{\"op\":\"pong\"}".getBytes(StandardCharsets.US_ASCII);
}
