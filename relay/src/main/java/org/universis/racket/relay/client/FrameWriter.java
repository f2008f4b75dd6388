package org.universis.racket.relay.client;

import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The single writer in front of a {@link WebSocket}, which allows one pending send at a time:
 * messages queue up while a frame is in flight and the next frame carries all of them, one per
 * line (NDJSON), up to the relay's frame limit. Under load this batches by itself; idle, a message
 * leaves at once on the caller's thread, with no hop.
 */
final class FrameWriter {

  private final WebSocket socket;
  private volatile int maxFrameBytes;
  private final Consumer<Throwable> onFailure;
  private final ConcurrentLinkedQueue<String> queue = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean sending = new AtomicBoolean();
  private final StringBuilder frame = new StringBuilder(4096); // used only while holding `sending`
  private volatile boolean failed;

  /**
   * @param maxFrameBytes the most one frame may hold; a single larger message still goes alone
   * @param onFailure told once when a send fails: the connection is broken
   */
  FrameWriter(WebSocket socket, int maxFrameBytes, Consumer<Throwable> onFailure) {
    this.socket = socket;
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

  /** Starts sending what is queued, unless a frame is in flight (its completion sends the rest). */
  void flush() {
    while (!failed && !queue.isEmpty() && sending.compareAndSet(false, true)) {
      CompletableFuture<WebSocket> sent;
      try {
        sent = socket.sendText(nextFrame(), true);
      } catch (RuntimeException e) {
        sending.set(false);
        fail(e);
        return;
      }
      if (sent.isDone() && !sent.isCompletedExceptionally()) {
        sending.set(false); // finished at once: loop rather than recurse
        continue;
      }
      sent.whenComplete((ws, error) -> {
        sending.set(false);
        if (error != null) fail(error);
        else flush();
      });
      return;
    }
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
