package org.universis.racket.spi;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.universis.racket.ConnectedClient;
import org.universis.racket.ProcessEvent;
import org.universis.racket.Subscription;

/** One emitter's link to a relay, shared by all of its subscriptions. Thread-safe. */
public interface RacketConnection extends AutoCloseable {

  /**
   * Queues an event for the relay. When the buffer is full, waits for room up to the
   * {@code emit-timeout} option (never on the implementation's own threads).
   *
   * @param type the event's type, already checked by {@link TypeFilter#checkType} (the emitter
   *     checks it at the call site, once), or {@code null} to take the body's top-level {@code
   *     "type"} string, else {@code message}
   * @param body anything that encodes to JSON: a map, a record, a POJO, a string...
   * @return completes with the relay's id once the relay accepted the event; fails when the body
   *     cannot be encoded, no relay took the event within the emit-timeout, or the connection is
   *     closed
   */
  CompletableFuture<Long> emit(String type, Object body);

  /**
   * As {@link #emit}, but never waits: when the buffer is full the future fails at once. An
   * implementation whose {@code emit} never waits may leave this default.
   */
  default CompletableFuture<Long> tryEmit(String type, Object body) {
    return emit(type, body);
  }

  /**
   * Delivers every event whose type matches {@code filter} to {@code handler}.
   *
   * @throws IllegalArgumentException when the filter is malformed
   */
  Subscription subscribe(String filter, Consumer<? super ProcessEvent> handler);

  /**
   * The clients connected to the relay now. An implementation that cannot ask leaves this default,
   * which throws {@link UnsupportedOperationException}.
   *
   * @throws IllegalStateException when the relay did not answer in time
   */
  default List<ConnectedClient> clients() {
    throw new UnsupportedOperationException("this racket implementation cannot list the relay's"
        + " clients; ask the relay: GET /clients");
  }

  /** Closes the connection and every subscription; pending emits fail. Idempotent. */
  @Override
  void close();
}
