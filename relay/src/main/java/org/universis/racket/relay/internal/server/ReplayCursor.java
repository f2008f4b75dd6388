package org.universis.racket.relay.internal.server;

import java.util.List;
import org.universis.racket.spi.TypeFilter;

/**
 * What a resuming subscriber has yet to be sent from the history: the ids after {@code after} up
 * to {@code to}, the last id assigned when it subscribed (later ones reach it live). Read a part
 * at a time by the subscriber's writer, the only one to move it. The part read last counts
 * against the history's share for replays until the next is read or the replay ends: when
 * subscribers that stopped reading hold it all, the others' replays go on an event at a time.
 */
final class ReplayCursor {

  /** One part of a replay and the id up to which the history was read for it. */
  record Part(List<Outgoing> items, long reached) {}

  private final Sequencer sequencer;
  private final long to;
  private final HeldBytes.Account share;
  private long after;

  ReplayCursor(Sequencer sequencer, long after, long to, HeldBytes.Account share) {
    this.sequencer = sequencer;
    this.after = after;
    this.to = to;
    this.share = share;
  }

  boolean done() {
    return after >= to;
  }

  /**
   * The next items, about {@code maxBytes} of events or what the share for replays has left, at
   * least one event; maybe none, with the cursor moved on. Replaces the last part in the share.
   */
  List<Outgoing> next(TypeFilter filter, int maxBytes) {
    long room = share.resizeUpTo(maxBytes);
    Part part = sequencer.replay(after, to, filter, (int) Math.max(1, room));
    after = part.reached();
    return part.items();
  }

  /** The last part is written, or the subscriber gone: its bytes leave the share. */
  void release() {
    share.close();
  }
}
