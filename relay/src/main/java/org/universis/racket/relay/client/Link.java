package org.universis.racket.relay.client;

import java.io.IOException;
import java.net.http.WebSocket;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.universis.racket.relay.server.Log;

/**
 * One WebSocket connection to the relay, from open to close. It reads what the relay sends (text
 * messages may arrive in parts) on the network thread and hands it to its {@link Connector}; it
 * writes through its {@link FrameWriter}.
 */
final class Link implements WebSocket.Listener, WireReader.Sink {

  // A relay frame holds at most max-event-size + 64 KiB; anything far larger is not a relay.
  private static final int MAX_MESSAGE_CHARS = 64 << 20;

  private final Connector connector;
  private final WireReader reader;
  private final StringBuilder partial = new StringBuilder();
  private volatile WebSocket socket;
  private volatile FrameWriter writer;
  private volatile boolean welcomed;
  private volatile long lastHeardNanos = System.nanoTime();
  private volatile boolean down;

  Link(Connector connector, WireReader reader) {
    this.connector = connector;
    this.reader = reader;
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

  @Override
  public void onOpen(WebSocket webSocket) {
    socket = webSocket;
    writer = new FrameWriter(webSocket, connector.senders(), Connector.DEFAULT_MAX_EVENT_SIZE, this::fail);
    webSocket.request(Long.MAX_VALUE); // handled synchronously below, so demand needs no pacing
    connector.opened(this);
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    lastHeardNanos = System.nanoTime();
    if (!last || partial.length() > 0) {
      if (partial.length() + data.length() > MAX_MESSAGE_CHARS) {
        fail(new IOException("the relay sent a message over " + MAX_MESSAGE_CHARS + " characters"));
        return null;
      }
      partial.append(data);
      if (!last) return null;
    }
    String text = partial.length() > 0 ? partial.toString() : data.toString();
    partial.setLength(0);
    if (partial.capacity() > 1 << 20) partial.trimToSize();
    try {
      reader.read(text, this);
    } catch (IOException e) {
      // Never the line itself: it may carry an event body.
      Log.warn("ignored a malformed message from the relay: " + e.getMessage());
    } catch (RuntimeException e) {
      Log.warn("racket failed to handle a message from the relay", e);
    }
    return null;
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
      case "ack" -> connector.acked(m.seq(), m.id());
      case "nack" -> connector.nacked(m.seq(), m.error(), m.message());
      case "pong" -> { }
      case "error" -> Log.warn("the relay reported " + m.error() + ": " + m.message());
      default -> Log.debug("ignored relay message op " + m.op());
    }
  }

  @Override
  public CompletionStage<?> onPing(WebSocket webSocket, java.nio.ByteBuffer message) {
    lastHeardNanos = System.nanoTime(); // the JDK answers with a pong by itself
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
    down("the relay closed the connection (" + statusCode
        + (reason == null || reason.isEmpty() ? "" : " " + reason) + ")");
    return null;
  }

  @Override
  public void onError(WebSocket webSocket, Throwable error) {
    down(String.valueOf(error));
  }

  /** Breaks the connection at once (it is dead, or the emitter is closing). */
  void abort(String why) {
    WebSocket s = socket;
    if (s != null) s.abort();
    down(why);
  }

  /** Says goodbye to the relay, then lets go of the connection. */
  void close() {
    down = true;
    WebSocket s = socket;
    if (s == null) return;
    try {
      s.sendClose(WebSocket.NORMAL_CLOSURE, "").get(500, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      // the relay is gone or busy: abort below
    }
    s.abort();
  }

  private void fail(Throwable error) {
    abort("cannot write to the relay: " + error);
  }

  private void down(String why) {
    if (down) return;
    down = true;
    connector.lost(this, why);
  }
}
