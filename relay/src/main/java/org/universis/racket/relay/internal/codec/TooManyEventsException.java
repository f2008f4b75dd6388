package org.universis.racket.relay.internal.codec;

/** A batch of more events than the relay takes in one go (max-batch); for a 413 answer. */
public final class TooManyEventsException extends RuntimeException {

  public TooManyEventsException(int max) {
    super("the batch has more than " + max + " events, the limit (max-batch)", null, false, false);
  }
}
