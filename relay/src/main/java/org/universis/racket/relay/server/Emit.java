package org.universis.racket.relay.server;

/**
 * An event to number: its type, its body's JSON bytes, and the emitter's seq (0 for HTTP).
 */
record Emit(String type, byte[] body, long seq) {}
