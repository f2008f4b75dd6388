package org.universis.racket.relay.internal.client;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.universis.racket.ConnectedClient;

/**
 * The emitter's asks for the relay's list of clients ({@code {"op":"clients"}}, PROTOCOL.md). The
 * relay answers them in the order they came on a connection; an ask not answered when its
 * connection went is asked again on the next one.
 */
final class ClientAsks {

  /** Asks that may wait at once; more fail at once. */
  static final int MAX_WAITING = 64;
  private static final String ASK = "{\"op\":\"clients\"}";

  private final String url;
  // Guarded by this. In the order they were asked, which is the order of the answers.
  private final ArrayDeque<CompletableFuture<List<ConnectedClient>>> waiting = new ArrayDeque<>();
  private FrameWriter writer; // the last welcomed connection's
  private boolean closed;

  ClientAsks(String url) {
    this.url = url;
  }

  /**
   * Asks the relay and waits for its answer.
   *
   * @throws IllegalStateException when no answer came within {@code timeoutNanos}, or the emitter
   *     closed
   */
  List<ConnectedClient> ask(long timeoutNanos) {
    CompletableFuture<List<ConnectedClient>> answer = new CompletableFuture<>();
    FrameWriter w;
    synchronized (this) {
      if (closed) throw new IllegalStateException("the racket emitter for " + url + " is closed");
      if (waiting.size() >= MAX_WAITING) {
        throw new IllegalStateException(MAX_WAITING + " asks for the clients of " + url
            + " wait for the relay already");
      }
      waiting.add(answer);
      w = writer;
      if (w != null) w.enqueue(ASK);
    }
    if (w != null) w.flush();
    try {
      return answer.get(timeoutNanos, TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException("the relay at " + url + " did not list its clients within "
          + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms (emit-timeout)");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while asking " + url + " for its clients", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
    } finally {
      // Given up: its answer, if it comes, goes to the next ask, a moment old.
      synchronized (this) {
        waiting.remove(answer);
      }
    }
  }

  /** A connection was welcomed: what waits is asked on it, in order. */
  void attach(FrameWriter w) {
    synchronized (this) {
      writer = w;
      for (int i = 0; i < waiting.size(); i++) w.enqueue(ASK);
    }
    w.flush();
  }

  /** The relay answered the oldest ask. */
  void answered(List<ConnectedClient> clients) {
    CompletableFuture<List<ConnectedClient>> oldest;
    synchronized (this) {
      oldest = waiting.poll();
    }
    if (oldest != null) oldest.complete(clients);
  }

  /** The emitter closed: what waits fails. */
  void close() {
    List<CompletableFuture<List<ConnectedClient>>> failing;
    synchronized (this) {
      closed = true;
      failing = List.copyOf(waiting);
    }
    for (var f : failing) {
      f.completeExceptionally(new IllegalStateException("the racket emitter for " + url + " is closed"));
    }
  }
}
