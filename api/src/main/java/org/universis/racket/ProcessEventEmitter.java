package org.universis.racket;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.universis.racket.spi.RacketConnection;
import org.universis.racket.spi.TypeFilter;

/**
 * A client of one racket relay: emits events to it and receives the events every process emits.
 *
 * <pre>{@code
 * try (ProcessEventEmitter relay = new ProcessEventEmitter("http://localhost:12345/")) {
 *   relay.subscribe(event -> System.out.println(event.body()));
 *   relay.emit(Map.of("type", "message", "value", Map.of("body", "Hello World!")));
 * }
 * }</pre>
 *
 * <p>One connection carries all of the emitter's subscriptions. It reconnects by itself, resumes
 * where it left off, and holds emits (up to {@link RacketOptions#buffer()}) while the relay is
 * unreachable; past the buffer, {@code emit} waits for room, up to
 * {@link RacketOptions#emitTimeout()}, and {@code tryEmit} fails at once. Close it to stop its
 * threads.
 */
public final class ProcessEventEmitter implements AutoCloseable {

  private final RacketConnection connection;

  /** A client of the relay the environment names ({@code RACKET_URL}), else {@code http://localhost:14440}. */
  public ProcessEventEmitter() {
    this(RacketOptions.defaults());
  }

  /**
   * A client of the relay at {@code url}, for example {@code http://localhost:12345/}.
   *
   * @throws IllegalArgumentException when the url is not an http url
   */
  public ProcessEventEmitter(String url) {
    this(RacketOptions.builder().url(url).build());
  }

  /** A client configured by {@code options}. */
  public ProcessEventEmitter(RacketOptions options) {
    this(RacketBinding.provider().connect(Objects.requireNonNull(options, "options")));
  }

  ProcessEventEmitter(RacketConnection connection) {
    this.connection = connection;
  }

  /**
   * Emits {@code event}; its type is its top-level {@code "type"} string when it has one, else
   * {@code message}. The whole object is the body. When the buffer is full, waits for room up to
   * the emit-timeout (except on racket's own threads: handlers and futures' callbacks never wait).
   *
   * @return completes with the relay's id once the relay accepted the event; fails when no relay
   *     took it within the emit-timeout
   */
  public CompletableFuture<Long> emit(Object event) {
    return connection.emit(null, Objects.requireNonNull(event, "event"));
  }

  /**
   * Emits {@code body} as an event of {@code type}.
   *
   * @return completes with the relay's id once the relay accepted the event
   * @throws IllegalArgumentException when the type is malformed
   */
  public CompletableFuture<Long> emit(String type, Object body) {
    // Checked here, whatever the implementation, so a bad type always throws at the call site.
    return connection.emit(TypeFilter.checkType(Objects.requireNonNull(type, "type")), body);
  }

  /** As {@link #emit(Object)}, but never waits: when the buffer is full the future fails at once. */
  public CompletableFuture<Long> tryEmit(Object event) {
    return connection.tryEmit(null, Objects.requireNonNull(event, "event"));
  }

  /**
   * As {@link #emit(String, Object)}, but never waits: when the buffer is full the future fails at
   * once.
   *
   * @throws IllegalArgumentException when the type is malformed
   */
  public CompletableFuture<Long> tryEmit(String type, Object body) {
    return connection.tryEmit(TypeFilter.checkType(Objects.requireNonNull(type, "type")), body);
  }

  /** Delivers every event to {@code handler}. */
  public Subscription subscribe(Consumer<? super ProcessEvent> handler) {
    return subscribe(">", handler);
  }

  /**
   * Delivers the events whose type matches {@code filter} to {@code handler}.
   *
   * @param filter a type, or patterns with {@code *} (one token) and {@code >} (the rest), comma
   *     separated: {@code cache.>}, {@code job.*.done,config.reloaded}
   * @throws IllegalArgumentException when the filter is malformed
   */
  public Subscription subscribe(String filter, Consumer<? super ProcessEvent> handler) {
    return connection.subscribe(filter, Objects.requireNonNull(handler, "handler"));
  }

  /**
   * Who is connected to the relay now: every WebSocket client that said hello (every JVM emitter)
   * and every SSE stream. Asks the relay over this emitter's connection, waiting for it to be up.
   *
   * @return an immutable list, in the relay's order
   * @throws IllegalStateException when the relay did not answer within the emit-timeout
   * @throws UnsupportedOperationException when the implementation (an older agent) cannot ask
   */
  public List<ConnectedClient> clients() {
    return List.copyOf(connection.clients());
  }

  /** Closes the connection and every subscription; unacknowledged emits fail. */
  @Override
  public void close() {
    connection.close();
  }
}
