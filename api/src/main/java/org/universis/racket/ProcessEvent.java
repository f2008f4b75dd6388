package org.universis.racket;

import java.time.Instant;

/**
 * One event as every subscriber receives it: the relay's envelope around the emitted body.
 *
 * <p>Instances are immutable and safe to hand to other threads. The body is decoded lazily, once.
 */
public interface ProcessEvent {

  /** The type of the notice a subscriber receives when events it asked for cannot be delivered. */
  String RESYNC = "racket.resync";

  /** The relay's id: strictly increasing in the order every subscriber sees. */
  long id();

  /** Dot-separated type, for example {@code cache.invalidate}; {@code message} when none was given. */
  String type();

  /** When the relay accepted the event. */
  Instant time();

  /** The process that emitted the event. */
  Origin origin();

  /** The origin's own counter for this event, starting at 1; 0 for emits that carry none (HTTP). */
  long seq();

  /**
   * The body as a tree of {@code Map<String, Object>}, {@code List<Object>}, {@code String},
   * {@code Number}, {@code Boolean} and {@code null}. The tree is shared by every subscription of this
   * process and must not be modified.
   */
  Object body();

  /**
   * The body decoded into {@code type}: a record, a POJO, a {@code Map}, a {@code String}...
   *
   * @throws IllegalArgumentException when the body does not fit the type; the message says where
   */
  <T> T body(Class<T> type);

  /** The envelope as JSON text, exactly as the relay sent it. */
  String json();

  /** Whether this is a {@code racket.resync} notice: events were missed and cannot be replayed. */
  default boolean isResync() {
    return RESYNC.equals(type());
  }
}
