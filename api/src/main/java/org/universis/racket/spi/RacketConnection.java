package org.universis.racket.spi;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.universis.racket.ProcessEvent;
import org.universis.racket.Subscription;

/** One emitter's link to a relay, shared by all of its subscriptions. Thread-safe. */
public interface RacketConnection extends AutoCloseable {

  /**
   * Queues an event for the relay; never blocks on the network.
   *
   * @param type the event's type, or {@code null} to take the body's top-level {@code "type"}
   *     string, else {@code message}
   * @param body anything that encodes to JSON: a map, a record, a POJO, a string...
   * @return completes with the relay's id once the relay accepted the event; fails when the body
   *     cannot be encoded, the buffer is full, or the connection is closed
   */
  CompletableFuture<Long> emit(String type, Object body);

  /**
   * Delivers every event whose type matches {@code filter} to {@code handler}.
   *
   * @throws IllegalArgumentException when the filter is malformed
   */
  Subscription subscribe(String filter, Consumer<? super ProcessEvent> handler);

  /** Closes the connection and every subscription; pending emits fail. Idempotent. */
  @Override
  void close();
}
