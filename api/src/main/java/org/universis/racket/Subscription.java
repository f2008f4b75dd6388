package org.universis.racket;

/**
 * A handler receiving the events that match its filter, until {@link #unsubscribe()}.
 *
 * <p>Handlers run on racket's daemon threads, one subscription's events one at a time and in
 * relay order. An exception thrown by a handler is logged and delivery goes on.
 */
public interface Subscription extends AutoCloseable {

  /** The filter this subscription was made with, for example {@code cache.>}. */
  String filter();

  /** Stops delivery to this handler; events already queued for it are discarded. Idempotent. */
  void unsubscribe();

  /** Same as {@link #unsubscribe()}, for try-with-resources. */
  @Override
  default void close() {
    unsubscribe();
  }
}
