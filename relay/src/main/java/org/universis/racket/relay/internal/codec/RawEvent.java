package org.universis.racket.relay.internal.codec;

/**
 * One event as an emitter sent it, before the relay numbers it.
 *
 * @param type the event's type, already checked
 * @param body the body's JSON bytes, copied from the request without line breaks
 */
public record RawEvent(String type, byte[] body) {}
