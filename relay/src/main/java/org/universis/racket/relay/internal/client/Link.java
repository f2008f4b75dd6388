package org.universis.racket.relay.internal.client;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.universis.racket.relay.internal.Log;
import org.universis.racket.relay.internal.codec.WsFrames;

/**
 * One WebSocket connection to the relay, from open to close. Its reader thread says hello (through
 * its {@link Connector}), then reads what the relay sends and passes it on, one way: events to the
 * {@link Inbox}, which hands them to the subscriptions' handler threads at the end of each message;
 * acks to the {@link Outbox}; answers about clients to the {@link ClientAsks}. It writes through
 * its {@link FrameWriter}.
 *
 * <p>A few events for an idle subscription the reader delivers itself, after the message that
 * brought them: waking a handler thread costs about as much as the rest of what a subscriber does
 * for an event at moderate rates. A handler that keeps the reader loses it ({@link ReaderWatch}):
 * another thread reads on.
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
  private final ReaderWatch watch;
  private volatile LocalSubscription onReader; // whose handler the reader runs, or ran last

  Link(Connector connector, RelaySocket socket, Inbox inbox, Outbox outbox, ClientAsks clientAsks) {
    this.connector = connector;
    this.socket = socket;
    this.inbox = inbox;
    this.outbox = outbox;
    this.clientAsks = clientAsks;
    this.writer = new FrameWriter(socket, connector.senders(),
        Connector.DEFAULT_MAX_EVENT_SIZE, error -> abort("cannot write to the relay: " + error));
    this.watch = new ReaderWatch(connector.timer(), this::readOn);
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
    read(true);
  }

  // Reads until the connection ends, or until the reading goes to another thread.
  private void read(boolean hello) {
    readerThread = Thread.currentThread();
    String why = "the connection's reader failed";
    boolean handedOn = false;
    try {
      if (hello) connector.opened(this);
      RelaySocket.CloseReason close = socket.read(this);
      handedOn = close == null;
      if (!handedOn) {
        why = "the relay closed the connection (" + close.code()
            + (close.reason().isEmpty() ? "" : " " + close.reason()) + ")";
      }
    } catch (IOException | RuntimeException e) {
      why = String.valueOf(e);
    } finally {
      if (!handedOn) { // else the thread reading on ends the connection
        ended.countDown();
        socket.abort();
        down(why);
      }
    }
  }

  // The watch took the reading from a handler that kept it: that subscription's handler runs on
  // handler threads from now on (the turn it is in ends on this thread), and a new thread reads.
  private void readOn() {
    LocalSubscription kept = onReader;
    kept.keepOffReader();
    Log.debug("a handler for '" + kept.filter() + "' kept the connection's reader over "
        + TimeUnit.NANOSECONDS.toMillis(ReaderWatch.TAKE_OVER_NANOS) + " ms; another thread reads"
        + " on, and the subscription's handler runs on handler threads from now on");
    try {
      connector.senders().execute(() -> read(false));
    } catch (RejectedExecutionException e) {
      abort("the emitter is closing");
    } catch (RuntimeException | Error e) { // no thread to be had: nobody reads, start again
      abort("cannot start a thread to read on: " + e);
    }
  }

  @Override
  public void heard() {
    lastHeardNanos = System.nanoTime();
  }

  @Override
  public boolean text(byte[] data, int length) throws IOException {
    boolean whole = false; // an Error on its way out leaves every handler to the pool
    LocalSubscription toRun;
    try {
      reader.read(data, length, this);
      whole = true;
    } catch (WireReader.MalformedLine e) {
      // A relay that sends what it never would is broken or not the relay: drop it and reconnect.
      // The message says what, never the line itself: it may carry an event body.
      Log.warn("dropping the connection to the relay: " + e.getMessage());
      throw e;
    } catch (RuntimeException e) {
      Log.warn("racket failed to handle a message from the relay", e);
      whole = true;
    } finally {
      toRun = inbox.handOver(whole); // a message of many events wakes each handler thread once
    }
    if (toRun != null && !runOnReader(toRun)) return false;
    if (down) throw new IOException("the connection is down"); // read no further
    return true;
  }

  // Runs the subscription's handler on the reader; returns whether this thread still reads.
  private boolean runOnReader(LocalSubscription s) {
    onReader = s;
    long began = watch.begin();
    try {
      s.run();
    } catch (Error e) {
      // As on a handler thread, which it would end: the rest of the run went to the pool.
      Log.warn("handler for '" + s.filter() + "' threw " + e + "; delivery goes on", e);
    } finally {
      Thread.interrupted(); // a handler's interrupt would end the reader's next wait for room
    }
    if (!watch.end(began)) return false; // another thread reads on
    s.ranOnReader(System.nanoTime() - began);
    return true;
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
    socket.sendClose(WsFrames.NORMAL);
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
