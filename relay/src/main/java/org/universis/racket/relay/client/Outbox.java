package org.universis.racket.relay.client;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The emits of one emitter, numbered by seq: those the relay has not acknowledged (bounded by the
 * {@code buffer} option; re-sent on every reconnect), and those it acknowledged in the last
 * {@value #RECENT_MILLIS} ms (re-sent when a new relay instance took over, since the old one may
 * have died before delivering them; PROTOCOL.md, Takeover). While connected, emits go straight on
 * to the relay, in seq order.
 */
final class Outbox {

  static final long RECENT_MILLIS = 10_000;

  private record Emit(long seq, String message, CompletableFuture<Long> future, long ackedAt) {}

  private final int capacity;
  private final String relayUrl;
  private final ArrayDeque<Emit> unacked = new ArrayDeque<>();
  private final ArrayDeque<Emit> recent = new ArrayDeque<>();
  private long nextSeq = 1;
  private FrameWriter writer; // null while disconnected
  private boolean closed;

  Outbox(int capacity, String relayUrl) {
    this.capacity = capacity;
    this.relayUrl = relayUrl;
  }

  /**
   * Numbers an emit and sends it when connected, else holds it.
   *
   * @param type the checked type, or {@code null} to let the relay take it from the body
   * @param body the body as JSON text
   */
  CompletableFuture<Long> add(String type, String body) {
    CompletableFuture<Long> future = new CompletableFuture<>();
    FrameWriter w;
    synchronized (this) {
      if (closed) {
        return CompletableFuture.failedFuture(new IllegalStateException(
            "the racket emitter for " + relayUrl + " is closed"));
      }
      if (unacked.size() >= capacity) {
        return CompletableFuture.failedFuture(new IllegalStateException("racket buffer is full: "
            + capacity + " emits are waiting for the relay at " + relayUrl + " to accept them"
            + " (unreachable or slow); raise the buffer option (racket.buffer, RACKET_BUFFER,"
            + " RacketOptions.builder().buffer(n)) or emit less"));
      }
      long seq = nextSeq++;
      String message = type == null
          ? "{\"op\":\"emit\",\"seq\":" + seq + ",\"body\":" + body + "}"
          : "{\"op\":\"emit\",\"seq\":" + seq + ",\"type\":\"" + type + "\",\"body\":" + body + "}";
      unacked.add(new Emit(seq, message, future, 0));
      w = writer;
      if (w != null) w.enqueue(message);
    }
    if (w != null) w.flush();
    return future;
  }

  /**
   * Connected to a relay: re-sends what it may not have (in seq order), then sends new emits
   * straight on.
   *
   * @param newRelay whether this relay instance replaced the one the emitter talked to before
   */
  void attach(FrameWriter w, boolean newRelay) {
    synchronized (this) {
      if (closed) return;
      if (newRelay) {
        trimRecent(System.currentTimeMillis());
        for (Emit e : recent) w.enqueue(e.message);
      }
      for (Emit e : unacked) w.enqueue(e.message);
      writer = w;
    }
    w.flush();
  }

  /** Disconnected: hold emits until the next {@link #attach}. */
  synchronized void detach(FrameWriter w) {
    if (writer == w) writer = null;
  }

  /** The relay accepted the emit with {@code seq} as event {@code id}. */
  void ack(long seq, long id) {
    Emit done = null;
    synchronized (this) {
      Emit head = unacked.peek();
      // Acks come in seq order; one for a seq no longer waiting is for a re-sent, acked emit.
      if (head != null && head.seq == seq) {
        done = unacked.poll();
      } else if (head != null && head.seq < seq) {
        done = remove(seq);
      }
      if (done != null) {
        long now = System.currentTimeMillis();
        recent.add(new Emit(seq, done.message, null, now));
        trimRecent(now);
        if (unacked.isEmpty()) notifyAll();
      }
    }
    if (done != null) done.future.complete(id);
  }

  /** The relay refused the emit with {@code seq}. */
  void nack(long seq, String error, String message) {
    Emit refused;
    synchronized (this) {
      refused = remove(seq);
      if (unacked.isEmpty()) notifyAll();
    }
    if (refused != null) {
      String text = "the relay at " + relayUrl + " refused the event (" + error + "): " + message;
      refused.future.completeExceptionally("bad_request".equals(error) || "payload_too_large".equals(error)
          ? new IllegalArgumentException(text) : new IllegalStateException(text));
    }
  }

  /** Waits until every emit is acknowledged, or the deadline passes. */
  synchronized void awaitAcks(long deadlineNanos) throws InterruptedException {
    while (!unacked.isEmpty() && writer != null) {
      long left = deadlineNanos - System.nanoTime();
      if (left <= 0) return;
      wait(Math.max(1, left / 1_000_000));
    }
  }

  /** Fails every waiting emit and refuses new ones. */
  void close() {
    List<Emit> failed;
    synchronized (this) {
      closed = true;
      writer = null;
      failed = new ArrayList<>(unacked);
      unacked.clear();
      recent.clear();
      notifyAll();
    }
    for (Emit e : failed) {
      e.future.completeExceptionally(new IllegalStateException("the racket emitter for "
          + relayUrl + " was closed before the relay accepted the event"));
    }
  }

  private Emit remove(long seq) {
    for (Iterator<Emit> it = unacked.iterator(); it.hasNext(); ) {
      Emit e = it.next();
      if (e.seq == seq) {
        it.remove();
        return e;
      }
      if (e.seq > seq) break;
    }
    return null;
  }

  private void trimRecent(long now) {
    while (!recent.isEmpty()
        && (recent.size() > capacity || recent.peek().ackedAt < now - RECENT_MILLIS)) {
      recent.poll();
    }
  }
}
