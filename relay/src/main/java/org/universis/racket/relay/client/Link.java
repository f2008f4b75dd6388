package org.universis.racket.relay.client;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.universis.racket.relay.server.Log;

/**
 * One WebSocket connection to the relay, from open to close. Its reader thread says hello (through
 * its {@link Connector}), then reads what the relay sends and hands it on; it writes through its
 * {@link FrameWriter}.
 */
final class Link implements RelaySocket.Listener, WireReader.Sink {

  private static final long CLOSE_WAIT_MILLIS = 500;

  private final Connector connector;
  private final WireReader reader = new WireReader();
  private final RelaySocket socket;
  private final FrameWriter writer;
  private final CountDownLatch ended = new CountDownLatch(1);
  private volatile boolean welcomed;
  private volatile long lastHeardNanos = System.nanoTime();
  private volatile boolean down;

  Link(Connector connector, RelaySocket socket) {
    this.connector = connector;
    this.socket = socket;
    this.writer = new FrameWriter(socket, connector.senders(),
        Connector.DEFAULT_MAX_EVENT_SIZE, error -> abort("cannot write to the relay: " + error));
  }

  FrameWriter writer() {
    return writer;
  }

  boolean welcomed() {
    return welcomed;
  }

  long lastHeardNanos() {
    return lastHeardNanos;
  }

  /** The connection's reader thread: from hello to the end of the connection. */
  void run() {
    String why;
    try {
      connector.opened(this);
      RelaySocket.CloseReason close = socket.read(this);
      why = "the relay closed the connection (" + close.code()
          + (close.reason().isEmpty() ? "" : " " + close.reason()) + ")";
    } catch (IOException | RuntimeException e) {
      why = String.valueOf(e);
    } finally {
      ended.countDown();
    }
    socket.abort();
    down(why);
  }

  @Override
  public void heard() {
    lastHeardNanos = System.nanoTime();
  }

  @Override
  public void text(byte[] data, int length) {
    try {
      reader.read(data, length, this);
    } catch (IOException e) {
      // Never the line itself: it may carry an event body.
      Log.warn("ignored a malformed message from the relay: " + e.getMessage());
    } catch (RuntimeException e) {
      Log.warn("racket failed to handle a message from the relay", e);
    } finally {
      connector.endOfMessage();
    }
  }

  @Override
  public void event(ReceivedEvent event) {
    connector.received(event);
  }

  @Override
  public void message(RelayMessage m) {
    switch (m.op() == null ? "" : m.op()) {
      case "welcome" -> {
        welcomed = true;
        connector.welcomed(this, m);
      }
      case "ack" -> connector.acked(m.seq(), m.id(), Math.max(1, m.count()));
      case "nack" -> connector.nacked(m.seq(), m.error(), m.message());
      case "pong" -> { }
      case "error" -> Log.warn("the relay reported " + m.error() + ": " + m.message());
      default -> Log.debug("ignored relay message op " + m.op());
    }
  }

  /** Breaks the connection at once (it is dead, or the emitter is closing). */
  void abort(String why) {
    socket.abort();
    down(why);
  }

  /** Says goodbye to the relay, waits briefly for its answer, then lets go of the connection. */
  void close() {
    down = true;
    socket.sendClose(1000);
    try {
      ended.await(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    socket.abort();
  }

  private void down(String why) {
    if (down) return;
    down = true;
    connector.lost(this, why);
  }
}
