package org.universis.racket.relay.client;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.universis.racket.relay.server.Log;

/**
 * One WebSocket connection to the relay, from open to close. Its reader thread says hello (through
 * its {@link Connector}), then reads what the relay sends and hands it on; it writes through its
 * {@link FrameWriter}.
 *
 * <p>A few events for an idle subscription the reader delivers itself: a hop to a handler thread
 * costs a wake-up per event, the most of what a subscriber spends at moderate rates. The reader is
 * every subscription's and every ack's, so a handler may not keep it: a turn that takes long sends
 * the subscription's next turns to the pool ({@link LocalSubscription#runHere}), and a turn that
 * is still running at two of the connector's looks loses the reading to another thread.
 */
final class Link implements RelaySocket.Listener, WireReader.Sink, Inbox.Reader {

  private static final long CLOSE_WAIT_MILLIS = 500;

  private final Connector connector;
  private final WireReader reader = new WireReader();
  private final RelaySocket socket;
  private final FrameWriter writer;
  private final CountDownLatch ended = new CountDownLatch(1);
  private volatile boolean welcomed;
  private volatile long lastHeardNanos = System.nanoTime();
  private volatile boolean down;
  private volatile Thread readerThread;
  // Who reads: even while reading, odd during a handler's turn on the reader. Only the reader makes
  // it odd; a look that takes the reading over makes it even again, and the old reader, back from
  // its turn, finds the value it left gone.
  private final AtomicLong reading = new AtomicLong();
  private volatile LocalSubscription turnOf; // the subscription of the turn on the reader
  private long lookedAt = -1; // `reading` at the last look (the looking thread's)

  /** The reading was taken over while this thread ran a turn: it stops reading. */
  private static final class ReadingTaken extends RuntimeException {
    ReadingTaken() {
      super(null, null, false, false);
    }
  }

  Link(Connector connector, RelaySocket socket) {
    this.connector = connector;
    this.socket = socket;
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
    read(true);
  }

  // Reads until the connection ends, or until another thread takes the reading over.
  private void read(boolean hello) {
    readerThread = Thread.currentThread();
    String why = "the connection's reader failed";
    boolean taken = false;
    try {
      if (hello) connector.opened(this);
      RelaySocket.CloseReason close = socket.read(this);
      why = "the relay closed the connection (" + close.code()
          + (close.reason().isEmpty() ? "" : " " + close.reason()) + ")";
    } catch (ReadingTaken e) {
      taken = true; // the new reader ends the connection
    } catch (IOException | RuntimeException e) {
      why = String.valueOf(e);
    } finally {
      if (!taken) {
        ended.countDown();
        socket.abort();
        down(why);
      }
    }
  }

  @Override
  public void heard() {
    lastHeardNanos = System.nanoTime();
  }

  @Override
  public void text(byte[] data, int length) throws IOException {
    boolean whole = false; // with an Error on its way out, every turn goes to the pool
    LocalSubscription mine;
    try {
      reader.read(data, length, this);
      whole = true;
    } catch (Inbox.ReaderGone e) {
      throw e; // the link is down: read no further
    } catch (WireReader.MalformedLine e) {
      // A relay that sends what it never would is broken or not the relay: drop it and reconnect.
      // The message says what, never the line itself: it may carry an event body.
      Log.warn("dropping the connection to the relay: " + e.getMessage());
      throw e;
    } catch (RuntimeException e) {
      Log.warn("racket failed to handle a message from the relay", e);
      whole = true;
    } finally {
      mine = connector.endOfMessage(whole);
    }
    if (mine != null) runHere(mine);
  }

  // A handler's turn on the reader. Afterwards the reader reads on, unless it was taken over.
  private void runHere(LocalSubscription s) {
    turnOf = s;
    long turn = reading.incrementAndGet();
    connector.watchTurns();
    try {
      s.runHere();
    } catch (Error e) {
      // As on a handler thread, which would end with it: the rest of the turn went to the pool.
      Log.warn("handler for '" + s.filter() + "' threw " + e + "; delivery goes on", e);
      s.pool(System.nanoTime());
    } finally {
      Thread.interrupted(); // a handler's interrupt would close the socket at the next read
      if (!reading.compareAndSet(turn, turn + 1)) throw new ReadingTaken();
    }
  }

  /**
   * The connector's look, every so often while turns run: takes the reading over from a turn
   * that was running at the last look too.
   *
   * @return whether a turn ran since the last look (look again)
   */
  boolean look() {
    long now = reading.get();
    boolean turned = now != lookedAt || (now & 1) == 1;
    if ((now & 1) == 1 && now == lookedAt && reading.compareAndSet(now, now + 1)) {
      LocalSubscription s = turnOf;
      s.pool(System.nanoTime());
      Log.warn("a handler for '" + s.filter() + "' held the connection's reader for over "
          + Connector.LOOK_MILLIS + " ms; another thread reads on, and the subscription's"
          + " handler runs on a handler thread");
      now++;
      try {
        connector.senders().execute(() -> read(false));
      } catch (RejectedExecutionException e) {
        abort("the emitter is closing");
      }
    }
    lookedAt = now;
    return turned;
  }

  /** Whether a turn began since the last {@link #look()}. */
  boolean turnedSinceLook() {
    return reading.get() != lookedAt;
  }

  @Override
  public void event(ReceivedEvent event) {
    connector.received(event, this);
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
      case "ack" -> connector.acked(m.seq(), m.id(), Math.max(1, m.count()));
      case "nack" -> connector.nacked(m.seq(), m.error(), m.message());
      case "pong" -> { }
      case "clients" -> connector.clientsAnswered(m.clients() == null ? List.of() : m.clients());
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
    connector.wakeReader();
    socket.sendClose(1000);
    try {
      // A handler on the reader that closes its emitter would wait for itself.
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
    connector.wakeReader();
    connector.lost(this, why);
  }
}
