package org.universis.racket.relay.client;

import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The single writer in front of a {@link WebSocket}, which allows one pending send at a time:
 * messages queue up and a sender thread sends them, as many per frame as are queued, one per line
 * (NDJSON), up to the relay's frame limit. The hop to the sender is what fills frames: the JDK's
 * {@code sendText} usually completes before it returns, so sending on the caller's thread put
 * every emit of a busy publisher in a frame of its own (about 3 per frame, measured), and the
 * relay pays per frame.
 */
final class FrameWriter {

  private final WebSocket socket;
  private final Executor sender;
  private volatile int maxFrameBytes;
  private final Consumer<Throwable> onFailure;
  private final ConcurrentLinkedQueue<String> queue = new ConcurrentLinkedQueue<>();
  /** Whether a sender runs or is about to: at most one at a time. */
  private final AtomicBoolean sending = new AtomicBoolean();
  private final StringBuilder frame = new StringBuilder(4096); // used only while holding `sending`
  private volatile boolean failed;

  /**
   * @param sender runs the sends (the connection's daemon threads)
   * @param maxFrameBytes the most one frame may hold; a single larger message still goes alone
   * @param onFailure told once when a send fails: the connection is broken
   */
  FrameWriter(WebSocket socket, Executor sender, int maxFrameBytes, Consumer<Throwable> onFailure) {
    this.socket = socket;
    this.sender = sender;
    this.maxFrameBytes = maxFrameBytes;
    this.onFailure = onFailure;
  }

  /** Sets the most one frame may hold, as the relay announced it. */
  void limit(int maxFrameBytes) {
    this.maxFrameBytes = maxFrameBytes;
  }

  /** Queues a message; {@link #flush()} sends it. */
  void enqueue(String message) {
    queue.add(message);
  }

  /** Queues and sends. */
  void send(String message) {
    queue.add(message);
    flush();
  }

  /** Has what is queued sent, unless a sender runs already (it sends the rest). Never blocks. */
  void flush() {
    if (failed || queue.isEmpty() || !sending.compareAndSet(false, true)) return;
    try {
      sender.execute(this::drain);
    } catch (RejectedExecutionException e) {
      sending.set(false);
      fail(e); // the connection is closing
    }
  }

  // On a sender thread, holding `sending`: sends frames until the queue is empty. What is queued
  // while one frame is being sent rides in the next.
  private void drain() {
    while (!failed && !queue.isEmpty()) {
      CompletableFuture<WebSocket> sent;
      try {
        sent = socket.sendText(nextFrame(), true);
      } catch (RuntimeException e) {
        sending.set(false);
        fail(e);
        return;
      }
      if (!sent.isDone() || sent.isCompletedExceptionally()) {
        sent.whenComplete((ws, error) -> {
          if (error != null) {
            sending.set(false);
            fail(error);
          } else {
            drain();
          }
        });
        return;
      }
    }
    sending.set(false);
    flush(); // a message queued after the loop's last look
  }

  private String nextFrame() {
    String first = queue.poll();
    String next = queue.peek();
    if (next == null) return first;
    frame.setLength(0);
    frame.append(first);
    // A char takes at most 3 bytes in UTF-8: count with that bound, exactly only once it matters.
    int max = maxFrameBytes;
    boolean exact = false;
    long bytes = first.length() * 3L;
    while (next != null) {
      long size = exact ? ClientJson.utf8Length(next) : next.length() * 3L;
      if (!exact && bytes + 1 + size > max) {
        exact = true;
        bytes = ClientJson.utf8Length(frame);
        size = ClientJson.utf8Length(next);
      }
      if (bytes + 1 + size > max) break;
      frame.append('\n').append(queue.poll());
      bytes += 1 + size;
      next = queue.peek();
    }
    String text = frame.toString();
    if (frame.capacity() > 1 << 20) {
      frame.setLength(0);
      frame.trimToSize(); // do not pin a huge buffer after one big batch
    }
    return text;
  }

  private void fail(Throwable error) {
    if (failed) return;
    failed = true;
    queue.clear();
    onFailure.accept(error);
  }
}
