package org.universis.racket.relay.internal.server;

/**
 * An event to number: its type, its body's JSON bytes ({@code bytes[from, to)}), and the emitter's
 * seq (0 for HTTP). A WebSocket emit's body is read in place, in the frame it came in, which the
 * connection holds until the sequencer has encoded it: one copy of each body fewer, about a
 * quarter of what the relay would otherwise allocate per event.
 */
public record Emit(String type, byte[] bytes, int from, int to, long seq) {

  /** An emit whose body is all of {@code body}. */
  public Emit(String type, byte[] body, long seq) {
    this(type, body, 0, body.length, seq);
  }
}
