package org.universis.racket.relay.internal.server;

import java.nio.ByteBuffer;
import java.util.concurrent.RejectedExecutionException;
import org.universis.racket.relay.internal.Log;
import org.universis.racket.relay.internal.codec.Envelope;
import org.universis.racket.relay.internal.codec.OriginKeys;
import org.universis.racket.relay.internal.codec.WsFrames;
import org.universis.racket.spi.TypeFilter;

/**
 * A {@code GET /ws} connection's outbound side: each frame is one text message of NDJSON lines
 * (events, acks, control messages), written by {@link WsConnection}.
 */
public final class WsSubscriber extends Subscriber {

  private final WsConnection ws;
  private volatile Runnable onClosed; // set once, before the connection reads
  // Set at hello, before the subscription, on the IO thread that writes every frame: the origins
  // of a client that reads keyed envelopes (PROTOCOL.md, Origin keys); null for full envelopes.
  private OriginKeys originKeys;

  WsSubscriber(WsConnection ws, SubscriberInfo info, SubscriberLimits limits, Metrics metrics) {
    super(info, TypeFilter.none(), limits, metrics);
    this.ws = ws;
  }

  /**
   * Sets what runs once this subscriber is closed: the second step of wiring it with its {@link
   * WsSession}, which is built with it. Called before the connection starts reading.
   */
  void onClosed(Runnable onClosed) {
    this.onClosed = onClosed;
  }

  @Override
  public void execute(Runnable task) {
    try {
      ws.connection().getIoThread().execute(task);
    } catch (RejectedExecutionException e) {
      // The relay is closing and its IO threads with it; the connection goes with them.
    }
  }

  /** From now on events go out keyed: the client said {@code "protocol":2} in its hello. */
  void keyOrigins() {
    originKeys = new OriginKeys();
  }

  @Override
  public int frameSize(Outgoing item) {
    if (originKeys != null && item instanceof Event e) return Envelope.keyedSize(e.envelope) + 1;
    return lineSize(item);
  }

  @Override
  public void frame(Outgoing item, ByteBuffer out) {
    if (originKeys != null && item instanceof Event e) {
      Envelope.writeKeyed(e.envelope, e.id, e.type, originKeys, out);
      out.put((byte) '\n');
    } else {
      line(item, out);
    }
  }

  /** The bytes {@link #line} writes for an event or a control message. */
  public static int lineSize(Outgoing item) {
    return item.bytes().length + 1;
  }

  /** Writes an event's envelope or a control message as one NDJSON line. */
  public static void line(Outgoing item, ByteBuffer out) {
    out.put(item.bytes()).put((byte) '\n');
  }

  @Override
  public void send(ByteBuffer frame, Runnable sent) {
    ws.sendText(frame, sent);
  }

  @Override
  public int headroom() {
    return WsFrames.SERVER_HEAD_ROOM;
  }

  @Override
  public void closeTransport(boolean slow) {
    if (slow) {
      Log.info("closing slow WebSocket subscriber " + info().address() + " (queue full)");
      closeWith(WsConnection.POLICY_VIOLATION, "too slow: queue full");
    } else {
      // The relay is shutting down (a client that went away has no use for the frame).
      closeWith(WsConnection.GOING_AWAY, "the relay is shutting down");
    }
  }

  /** Sends a close frame, then closes the socket even if the peer never answers. */
  void closeWith(int code, String reason) {
    ws.closeWith(code, reason);
  }

  @Override
  public void closed() {
    onClosed.run();
  }
}
