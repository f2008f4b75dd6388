package org.universis.racket.relay.server;

import java.util.List;
import org.universis.racket.spi.TypeFilter;

/**
 * What a resuming subscriber has yet to be sent from the history: the ids after {@code after} up
 * to {@code to}, the last id assigned when it subscribed (later ones reach it live). Read a part
 * at a time by the subscriber's writer, the only one to move it.
 */
final class ReplayCursor {

  /** One part of a replay and the id up to which the history was read for it. */
  record Part(List<Object> items, long reached) {}

  private final Sequencer sequencer;
  private final long to;
  private long after;

  ReplayCursor(Sequencer sequencer, long after, long to) {
    this.sequencer = sequencer;
    this.after = after;
    this.to = to;
  }

  boolean done() {
    return after >= to;
  }

  /** The next items, about {@code maxBytes} of events; maybe none, with the cursor moved on. */
  List<Object> next(TypeFilter filter, int maxBytes) {
    Part part = sequencer.replay(after, to, filter, maxBytes);
    after = part.reached();
    return part.items();
  }
}
