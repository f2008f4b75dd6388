package org.universis.racket.relay.internal.codec;

/** An event or message the relay cannot accept; the message says why, for the sender. */
public final class MalformedEventException extends RuntimeException {

  public MalformedEventException(String message) {
    super(message, null, false, false);
  }
}
