package org.universis.racket.relay.internal.client;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.universis.racket.ConnectedClient;
import org.universis.racket.ProcessEvent;
import org.universis.racket.RacketOptions;
import org.universis.racket.Subscription;
import org.universis.racket.relay.internal.Log;
import org.universis.racket.spi.RacketConnection;

/**
 * One emitter's link to its relay: a single WebSocket connection carrying every emit (through the
 * {@link Outbox}) and every subscription (through the {@link Inbox}), kept up by the
 * {@link Connector}.
 */
public final class RelayConnection implements RacketConnection {

  // close() waits this long for the relay to accept what was emitted just before.
  private static final long CLOSE_DRAIN_MILLIS = 2_000;

  private final RacketOptions options;
  private final UnobservedFailures unobserved;
  private final Outbox outbox;
  private final Inbox inbox;
  private final Connector connector;
  private volatile boolean closed;

  public RelayConnection(RacketOptions options) {
    this.options = options;
    this.unobserved = new UnobservedFailures(options.url().toString());
    this.outbox = new Outbox(options.buffer(), options.emitTimeout().toNanos(),
        options.url().toString(), unobserved);
    this.inbox = new Inbox(options.queue(), options.queueBytes(), this::filterChanged);
    this.connector = new Connector(options, UUID.randomUUID().toString(), outbox, inbox,
        unobserved);
  }

  // The subscriptions' filter changed (only after construction: subscribe needs this built).
  private void filterChanged() {
    connector.typesChanged();
  }

  public void start() {
    LastWords.open(this);
    connector.start();
  }

  /** Whether this emitter hosts the relay in this JVM. */
  boolean hosting() {
    return connector.hosting();
  }

  /**
   * The JVM exits with this emitter open: waits up to the emit-timeout from {@code exitingNanos}
   * for the relay to accept what was emitted, says how many emits it gave up on, then closes the
   * relay hosted here, if any, which first lets its subscribers have what it accepted. Nothing
   * else is closed: the JVM is going.
   */
  void lastWords(long exitingNanos) {
    if (closed) return;
    closed = true;
    int left = outbox.awaitAll(exitingNanos + options.emitTimeout().toNanos());
    if (left > 0) {
      Log.warn("the JVM exits; racket gave up on " + left + " emits that the relay at "
          + options.url() + " had not accepted within the emit-timeout of "
          + options.emitTimeout().toMillis() + " ms (racket.emit-timeout)");
    }
    unobserved.report(true);
    if (hosting()) connector.close();
  }

  @Override
  public CompletableFuture<Long> emit(String type, Object body) {
    return emit(type, body, true);
  }

  @Override
  public CompletableFuture<Long> tryEmit(String type, Object body) {
    return emit(type, body, false);
  }

  private CompletableFuture<Long> emit(String type, Object body, boolean mayWait) {
    if (closed) {
      return CompletableFuture.failedFuture(
          new IllegalStateException("the racket emitter for " + options.url() + " is closed"));
    }
    byte[] json;
    try {
      json = ClientJson.encodeBytes(body);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
    int limit = connector.maxEventSize();
    if (json.length > limit) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("the event body is "
          + json.length + " bytes; the relay at " + options.url()
          + " accepts at most " + limit + " (its max-event-size)"));
    }
    return outbox.add(type, json, mayWait);
  }

  @Override
  public Subscription subscribe(String filter, Consumer<? super ProcessEvent> handler) {
    if (closed) throw new IllegalStateException("the racket emitter for " + options.url() + " is closed");
    return inbox.subscribe(filter, handler);
  }

  @Override
  public List<ConnectedClient> clients() {
    if (closed) throw new IllegalStateException("the racket emitter for " + options.url() + " is closed");
    return connector.clients();
  }

  @Override
  public void close() {
    if (closed) return;
    closed = true;
    try {
      outbox.awaitAcks(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_DRAIN_MILLIS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    outbox.close();
    connector.close();
    inbox.close();
    unobserved.report(true);
    LastWords.closed(this);
  }
}
