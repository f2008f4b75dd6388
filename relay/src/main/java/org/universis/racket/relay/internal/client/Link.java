package org.universis.racket.relay.internal.client;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.universis.racket.relay.internal.Log;

/**
 * One WebSocket connection to the relay, from open to close. Its reader thread says hello (through
 * its {@link Connector}), then reads what the relay sends and passes it on, one way: events to the
 * {@link Inbox}, which hands them to the subscriptions' handler threads at the end of each message;
 * acks to the {@link Outbox}; answers about clients to the {@link ClientAsks}. It writes through
 * its {@link FrameWriter}. The reader never runs a handler: a handler cannot hold up the acks and
 * the other subscriptions.
 */
final class Link implements RelaySocket.Listener, WireReader.Sink, Inbox.Reader {

  private static final long CLOSE_WAIT_MILLIS = 500;

  private final Connector connector;
  private final Inbox inbox;
  private final Outbox outbox;
  private final ClientAsks clientAsks;
  private final WireReader reader = new WireReader();
  private final RelaySocket socket;
  private final FrameWriter writer;
  private final CountDownLatch ended = new CountDownLatch(1);
  private volatile boolean welcomed;
  private volatile long lastHeardNanos = System.nanoTime();
  private volatile boolean down;
  private volatile Thread readerThread;

  Link(Connector connector, RelaySocket socket, Inbox inbox, Outbox outbox, ClientAsks clientAsks) {
    this.connector = connector;
    this.socket = socket;
    this.inbox = inbox;
    this.outbox = outbox;
    this.clientAsks = clientAsks;
    this.writer = new FrameWriter(socket, connector.senders(),
        Connector.DEFAULT_MAX_EVENT_SIZE, error -> abort("cannot write to the relay: " + error));
  }

  FrameWriter writer() {
    return writer;
  }

  /** The hello's answer to the relay's nonce, or {@code null} when the relay proved nothing. */
  String proof() {
    return socket.clientProof();
  }

  boolean welcomed() {
    return welcomed;
  }

  long lastHeardNanos() {
    return lastHeardNanos;
  }

  /** The connection's reader thread: from hello to the end of the connection. */
  void run() {
    readerThread = Thread.currentThread();
    String why = "the connection's reader failed";
    try {
      connector.opened(this);
      RelaySocket.CloseReason close = socket.read(this);
      why = "the relay closed the connection (" + close.code()
          + (close.reason().isEmpty() ? "" : " " + close.reason()) + ")";
    } catch (IOException | RuntimeException e) {
      why = String.valueOf(e);
    } finally {
      ended.countDown();
      socket.abort();
      down(why);
    }
  }

  @Override
  public void heard() {
    lastHeardNanos = System.nanoTime();
  }

  @Override
  public void text(byte[] data, int length) throws IOException {
    try {
      reader.read(data, length, this);
    } catch (WireReader.MalformedLine e) {
      // A relay that sends what it never would is broken or not the relay: drop it and reconnect.
      // The message says what, never the line itself: it may carry an event body.
      Log.warn("dropping the connection to the relay: " + e.getMessage());
      throw e;
    } catch (RuntimeException e) {
      Log.warn("racket failed to handle a message from the relay", e);
    } finally {
      inbox.handOver(); // a message of many events wakes each handler thread once
    }
    if (down) throw new IOException("the connection is down"); // read no further
  }

  @Override
  public void event(ReceivedEvent event) {
    // Once the link is down, nothing more is delivered: the next link resumes after the last
    // event delivered, whose id the Inbox keeps.
    if (!down && !inbox.deliver(event, this)) {
      abort("the connection's reader was interrupted while it waited for room");
    }
  }

  @Override
  public boolean gone() {
    return down;
  }

  @Override
  public void waiting() {
    lastHeardNanos = System.nanoTime();
  }

  @Override
  public void message(RelayMessage m) {
    switch (m.op() == null ? "" : m.op()) {
      case "welcome" -> {
        welcomed = true;
        connector.welcomed(this, m);
      }
      case "ack" -> outbox.ack(m.seq(), m.id(), Math.max(1, m.count()));
      case "nack" -> outbox.nack(m.seq(), m.error(), m.message());
      case "pong" -> { }
      case "clients" -> clientAsks.answered(m.clients() == null ? List.of() : m.clients());
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
    inbox.wakeReader();
    socket.sendClose(1000);
    try {
      // A link that opens after its emitter closed is closed by its own reader (Connector.opened).
      if (Thread.currentThread() != readerThread) {
        ended.await(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    socket.abort();
  }

  private void down(String why) {
    if (down) return;
    down = true;
    inbox.wakeReader();
    connector.lost(this, why);
  }
}
