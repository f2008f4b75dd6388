package org.universis.racket.relay.internal.client;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.universis.racket.relay.internal.codec.EmitLine;
import org.universis.racket.relay.internal.codec.LineRing;

/**
 * The emits of one emitter, numbered by seq, from {@code emit} until the relay accepts them.
 *
 * <p>While connected, at most {@value #WINDOW} emits (or half the relay's queue-size, if smaller)
 * are in flight (sent, not yet acknowledged); the rest wait here. The window keeps the relay's
 * queue of acks (and events) for this connection far below its bound however fast the
 * application emits, so a burst never gets the connection closed as too slow. Past the buffer an
 * emit waits for room, up to the emit-timeout; an emit that no relay took within it fails. The acknowledged
 * emits of the last {@value #RECENT_MILLIS} ms are kept too ({@link LineRing}): when a new relay
 * instance took over they are sent again, since the old one may have died before delivering them
 * (PROTOCOL.md, Takeover). Everything goes out in seq order.
 */
final class Outbox {

  static final long RECENT_MILLIS = 10_000;
  static final int WINDOW = 1024;
  private int window = WINDOW; // below half the relay's queue-size, as its welcome said
  // Byte bounds beside the counts: 10,000 emits of 1 MiB each must not pin 10 GiB.
  static final long MAX_PENDING_BYTES = 64L << 20;
  static final int MAX_RECENT_BYTES = 16 << 20;
  // An emit is written on the caller's thread while the emits in flight, itself included, hold
  // at most this many bytes: then there are too few to fill a frame with (FrameWriter), and the
  // socket's send buffer (16 KiB at least) has room, so the write cannot block. Handing over to
  // the sender as soon as two emits are in flight would cost a wake-up exactly when the machine
  // is slow already, and a worse p99 at 10,000 events/s.
  static final int HERE_BYTES = 8 << 10;

  /**
   * One emit, as the line sent (UTF-8); {@code future} is null for an acknowledged emit re-sent
   * after a takeover. One never sent fails at {@code deadline} ({@link System#nanoTime()}) if no
   * relay has taken it by then ({@code expires}); once sent, the relay may have it, and it waits.
   */
  private record Emit(long seq, byte[] message, CompletableFuture<Long> future, long deadline,
      boolean expires) {
    Emit sent() {
      return expires ? new Emit(seq, message, future, 0, false) : this;
    }
  }

  private final int capacity;
  private final long timeoutNanos;
  private final String relayUrl;
  private final UnobservedFailures unobserved;
  private final ArrayDeque<Emit> waiting = new ArrayDeque<>();
  private final ArrayDeque<Emit> inFlight = new ArrayDeque<>();
  private final LineRing recent; // keyed by seq, timed by the ack
  private int pending; // emits whose future is not complete: the ones the buffer bounds
  private long pendingBytes;
  private long inFlightBytes;
  private int roomWaiters; // emits waiting for room in the buffer
  private long nextSeq = 1;
  private FrameWriter writer; // null while disconnected
  private boolean closed;

  Outbox(int capacity, long timeoutNanos, String relayUrl, UnobservedFailures unobserved) {
    this.capacity = capacity;
    this.timeoutNanos = timeoutNanos;
    this.relayUrl = relayUrl;
    this.unobserved = unobserved;
    this.recent = new LineRing(capacity, MAX_RECENT_BYTES);
  }

  /**
   * Numbers an emit and sends it when connected and the window allows, else holds it. With the
   * buffer full, waits for room (acks free it) up to the emit-timeout, if the caller may wait.
   *
   * @param type the checked type, or {@code null} to let the relay take it from the body
   * @param body the body as UTF-8 JSON
   * @param mayWait false for a caller that must never wait: it fails at once when the buffer is
   *     full. Racket's own threads never wait either: the acks that would make room are read by
   *     the connection's reader, which may be waiting for the very handler that emits.
   */
  CompletableFuture<Long> add(String type, byte[] body, boolean mayWait) {
    CompletableFuture<Long> future = new CompletableFuture<>();
    long called = System.nanoTime();
    FrameWriter w;
    boolean here;
    synchronized (this) {
      IllegalStateException refused = awaitRoom(body.length, called, mayWait);
      if (refused != null) return CompletableFuture.failedFuture(refused);
      long seq = nextSeq++;
      byte[] message = EmitLine.write(seq, type, body);
      Emit emit = new Emit(seq, message, future, called + timeoutNanos, true);
      pending++;
      pendingBytes += message.length;
      w = writer;
      if (w != null && waiting.isEmpty() && inFlight.size() < window) {
        send(emit);
        here = inFlightBytes <= HERE_BYTES;
      } else {
        waiting.add(emit);
        w = null;
        here = false;
      }
    }
    if (here) w.sendHere();
    else if (w != null) w.flush();
    return future;
  }

  // Holding this: waits until the buffer has room for `bytes` more; returns null, or why not.
  private IllegalStateException awaitRoom(int bytes, long called, boolean mayWait) {
    while (!closed && pending > 0
        && (pending >= capacity || pendingBytes + bytes > MAX_PENDING_BYTES)) {
      if (!mayWait || DaemonThreads.isRacketThread()) {
        return new IllegalStateException(full() + (mayWait ? "; an emit made on racket's own"
            + " thread (" + Thread.currentThread().getName() + ", a handler or a future's callback)"
            + " does not wait for room" : "; tryEmit does not wait for room")
            + ": emit from another thread, or raise the buffer option (racket.buffer,"
            + " RACKET_BUFFER, RacketOptions.builder().buffer(n))");
      }
      long left = called + timeoutNanos - System.nanoTime();
      if (left <= 0) return timedOut(full());
      roomWaiters++;
      try {
        TimeUnit.NANOSECONDS.timedWait(this, left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new IllegalStateException("interrupted while waiting for room in the racket buffer: "
            + full(), e);
      } finally {
        roomWaiters--;
      }
    }
    return closed ? new IllegalStateException("the racket emitter for " + relayUrl + " is closed")
        : null;
  }

  // Holding this.
  private String full() {
    return "the racket buffer is full: " + pending + " emits (" + (pendingBytes >> 20) + " MiB)"
        + " are waiting for the relay at " + relayUrl + " to accept them";
  }

  private IllegalStateException timedOut(String what) {
    return new IllegalStateException("no racket relay took this emit within the emit-timeout of "
        + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms: " + what + " (unreachable or slow);"
        + " raise emit-timeout (racket.emit-timeout, RACKET_EMIT_TIMEOUT,"
        + " RacketOptions.builder().emitTimeout(d)) or check that a relay runs there");
  }

  /**
   * While no relay is connected, fails the emits never sent whose emit-timeout has passed; called
   * every second. Connected, nothing expires: the relay is taking them.
   */
  void expire() {
    List<Emit> expired = new ArrayList<>();
    synchronized (this) {
      if (writer != null || closed || waiting.isEmpty()) return;
      long now = System.nanoTime();
      for (Iterator<Emit> it = waiting.iterator(); it.hasNext(); ) {
        Emit e = it.next();
        if (e.expires && now - e.deadline >= 0) {
          it.remove();
          expired.add(e);
          pending--;
          pendingBytes -= e.message.length;
        }
      }
      if (!expired.isEmpty()) notifyAll();
    }
    for (Emit e : expired) {
      IllegalStateException timedOut = timedOut("no connection to the relay at " + relayUrl);
      unobserved.fail(e.future, timedOut.getMessage(), timedOut);
    }
  }

  /**
   * Connected to a relay: sends again what the last connection left unacknowledged, then the rest,
   * in seq order.
   *
   * @param newRelay whether this relay instance replaced the one the emitter talked to before
   * @param relayQueueSize the relay's queue-size, 0 if it did not say
   */
  void attach(FrameWriter w, boolean newRelay, int relayQueueSize) {
    synchronized (this) {
      if (closed) return;
      // The relay closes a connection whose unwritten acks pass its queue-size; keep well below.
      window = relayQueueSize > 0 ? Math.max(1, Math.min(WINDOW, relayQueueSize / 2)) : WINDOW;
      // In flight on the lost connection: first in line again. Re-sends of acknowledged emits
      // (future null) too when this is the same relay: the link to it may have dropped before they
      // arrived. For yet another relay, `recent` below still holds them all.
      for (Iterator<Emit> it = inFlight.descendingIterator(); it.hasNext(); ) {
        Emit e = it.next();
        if (e.future != null || !newRelay) waiting.addFirst(e.sent());
      }
      inFlight.clear();
      inFlightBytes = 0;
      if (newRelay) {
        recent.dropBefore(System.currentTimeMillis() - RECENT_MILLIS);
        for (int i = recent.size() - 1; i >= 0; i--) {
          waiting.addFirst(new Emit(recent.key(i), recent.line(i), null, 0, false));
        }
      }
      writer = w;
      pump();
    }
    w.flush();
  }

  /** Disconnected: hold emits until the next {@link #attach}. */
  synchronized void detach(FrameWriter w) {
    if (writer == w) writer = null;
  }

  /**
   * The relay accepted a run of {@code count} emits as consecutive events: the last of them is the
   * emit with {@code seq}, event {@code id}, and the others are the emits sent just before it
   * (PROTOCOL.md, acks).
   */
  void ack(long seq, long id, int count) {
    Emit[] done;
    FrameWriter w;
    synchronized (this) {
      done = settleRun(seq, count);
      long now = System.currentTimeMillis();
      for (Emit e : done) {
        if (e == null || e.future == null) continue;
        recent.add(e.seq, now, e.message);
      }
      recent.dropBefore(now - RECENT_MILLIS);
      w = pump();
    }
    if (w != null) w.flush();
    for (int i = 0; i < done.length; i++) {
      Emit e = done[i];
      if (e != null && e.future != null) e.future.complete(id - done.length + 1 + i);
    }
  }

  /** The relay refused the emit with {@code seq}. */
  void nack(long seq, String error, String message) {
    Emit refused;
    FrameWriter w;
    synchronized (this) {
      refused = settle(seq);
      w = pump();
    }
    if (w != null) w.flush();
    if (refused != null && refused.future != null) {
      String text = "the relay at " + relayUrl + " refused the event (" + error + "): " + message;
      unobserved.fail(refused.future, "the relay refused them (" + error + ")",
          "bad_request".equals(error) || "payload_too_large".equals(error)
              ? new IllegalArgumentException(text) : new IllegalStateException(text));
    }
  }

  /** Waits until every emit is acknowledged, or the deadline passes, or the relay is away. */
  synchronized void awaitAcks(long deadlineNanos) throws InterruptedException {
    while (pending > 0 && writer != null) {
      long left = deadlineNanos - System.nanoTime();
      if (left <= 0) return;
      wait(Math.max(1, left / 1_000_000));
    }
  }

  /**
   * Waits until every emit is acknowledged or failed, connected or not, or the deadline passes:
   * the JVM exits ({@link LastWords}).
   *
   * @return how many emits are still neither (at once when interrupted, the interrupt kept)
   */
  synchronized int awaitAll(long deadlineNanos) {
    try {
      while (pending > 0 && !closed) {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) break;
        wait(Math.max(1, left / 1_000_000));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return pending;
  }

  /** Fails every waiting emit and refuses new ones. */
  void close() {
    List<Emit> failed = new ArrayList<>();
    synchronized (this) {
      closed = true;
      writer = null;
      for (Emit e : inFlight) if (e.future != null) failed.add(e);
      for (Emit e : waiting) if (e.future != null) failed.add(e);
      inFlight.clear();
      inFlightBytes = 0;
      waiting.clear();
      recent.clear();
      pending = 0;
      pendingBytes = 0;
      notifyAll();
    }
    String closed = "the racket emitter for " + relayUrl
        + " was closed before the relay accepted the event";
    for (Emit e : failed) unobserved.fail(e.future, closed, new IllegalStateException(closed));
  }

  // Moves waiting emits into the window; returns the writer to flush, if any was given work.
  private FrameWriter pump() {
    if (writer == null || waiting.isEmpty() || inFlight.size() >= window) return null;
    while (!waiting.isEmpty() && inFlight.size() < window) send(waiting.poll());
    return writer;
  }

  // Into the window and the writer's queue.
  private void send(Emit e) {
    inFlight.add(e);
    inFlightBytes += e.message.length;
    writer.enqueue(e.message);
  }

  // Takes the emit with seq out of the window; one the application waits for is no longer pending.
  private Emit settle(long seq) {
    Emit e = removeInFlight(seq);
    if (e != null && e.future != null) {
      pending--;
      pendingBytes -= e.message.length;
      if (pending == 0 || roomWaiters > 0) notifyAll();
    }
    return e;
  }

  // The relay answers in send order, so a run is the first `count` emits in flight, ending with
  // seq. Anything else (never seen) settles seq alone, as an ack of one.
  private Emit[] settleRun(long seq, int count) {
    if (count == 1 || count > inFlight.size()) return new Emit[] {settle(seq)};
    Emit[] run = new Emit[count];
    Iterator<Emit> it = inFlight.iterator();
    for (int i = 0; i < count && it.hasNext(); i++) run[i] = it.next();
    if (run[count - 1].seq != seq) return new Emit[] {settle(seq)};
    for (Emit e : run) settle(e.seq);
    return run;
  }

  // Acks come in the order emits were sent: the one acknowledged is nearly always the head.
  private Emit removeInFlight(long seq) {
    Emit found = null;
    Emit head = inFlight.peek();
    if (head != null && head.seq == seq) {
      found = inFlight.poll();
    } else {
      for (Iterator<Emit> it = inFlight.iterator(); it.hasNext(); ) {
        Emit e = it.next();
        if (e.seq == seq) {
          it.remove();
          found = e;
          break;
        }
      }
    }
    if (found != null) inFlightBytes -= found.message.length;
    return found;
  }
}
